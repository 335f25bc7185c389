package dev.omnibus.conformance.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes and reads capability reports: JSON for machines, a self-contained HTML page, Markdown tables. */
public final class ReportWriter {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    public static void writeJson(CapabilityReport r, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), r);
    }

    public static CapabilityReport readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), CapabilityReport.class);
    }

    /**
     * The README's two tables from several reports: the capabilities {@code require(...)} accepts, named
     * exactly as the {@code Capability} constants, then the portable semantics every driver must keep
     * (implemented once in the core), with the test totals.
     */
    public static String markdownTable(List<CapabilityReport> reports) {
        StringBuilder sb = new StringBuilder();
        sb.append("Capabilities — what `Messaging.require(Capability...)` and `MessagingConfig.require` accept:\n\n");
        header(sb, "`Capability`", reports);
        rows(sb, reports, true);
        sb.append("\nPortable semantics — implemented once in `omnibus-api`, the same on every driver (kit group):\n\n");
        header(sb, "semantic", reports);
        rows(sb, reports, false);
        sb.append("| tests passed |");
        for (CapabilityReport r : reports) sb.append(' ').append(r.totals().passed()).append('/').append(r.totals().tests()).append(" |");
        sb.append('\n');
        return sb.toString();
    }

    private static void header(StringBuilder sb, String first, List<CapabilityReport> reports) {
        sb.append("| ").append(first).append(" |");
        for (CapabilityReport r : reports) sb.append(' ').append(r.driver()).append(" |");
        sb.append("\n| --- |");
        reports.forEach(r -> sb.append(" --- |"));
        sb.append('\n');
    }

    private static void rows(StringBuilder sb, List<CapabilityReport> reports, boolean capabilities) {
        Set<String> features = new LinkedHashSet<>();
        if (capabilities) {
            for (dev.omnibus.Capability c : dev.omnibus.Capability.values()) features.add(c.name());
        } else {
            for (CapabilityReport r : reports) r.features().stream().filter(f -> !f.capability()).forEach(f -> features.add(f.feature()));
        }
        for (String f : features) {
            sb.append("| ").append(capabilities ? "`" + f + "`" : f).append(" |");
            for (CapabilityReport r : reports) {
                String cell = r.features().stream().filter(v -> v.feature().equals(f)).findFirst()
                        .map(ReportWriter::cell).orElse("not measured");
                sb.append(' ').append(cell).append(" |");
            }
            sb.append('\n');
        }
    }

    private static String cell(CapabilityReport.FeatureVerdict v) {
        return switch (v.verdict()) {
            case "HOLDS" -> "yes";
            case "NOT_PROVIDED" -> "no (fails fast)";
            case "NOT_EXERCISED" -> v.declared() ? "declared" : "no";
            default -> "**" + v.verdict() + "**";
        };
    }

    /** A self-contained page (inline CSS, no scripts or external assets). */
    public static void writeHtml(CapabilityReport r, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Omnibus capability report: ")
                .append(esc(r.driver())).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}")
                .append("td,th{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}")
                .append(".HOLDS{background:#d8f5d8}.VIOLATED{background:#f8d0d0}.NOT_PROVIDED{background:#eee}.NOT_EXERCISED{background:#fff6d6}")
                .append(".PASSED{color:#176b17}.FAILED{color:#a11}.SKIPPED{color:#777}code{font-size:.85em}pre{white-space:pre-wrap;margin:0}")
                .append("</style></head><body>");
        h.append("<h1>").append(esc(r.driver())).append(r.passed() ? " — every declared capability held" : " — contract VIOLATED").append("</h1>");
        h.append("<p>Broker: <b>").append(esc(r.broker())).append("</b> · fixture ").append(esc(r.fixture()))
                .append(" · Omnibus ").append(esc(r.omnibus())).append(" · started ").append(r.startedAt())
                .append(" · ").append(r.durationMs() / 1000).append(" s · max message ").append(r.maxMessageBytes()).append(" bytes</p>");
        h.append("<p>").append(r.totals().passed()).append(" passed, ").append(r.totals().failed()).append(" failed, ")
                .append(r.totals().skipped()).append(" skipped of ").append(r.totals().tests()).append(" tests.</p>");
        h.append("<table><tr><th>capability / semantic</th><th>declared</th><th>verdict</th><th>tests</th><th>what it proves</th><th>evidence (history counts)</th></tr>");
        for (CapabilityReport.FeatureVerdict v : r.features()) {
            h.append("<tr class=\"").append(v.verdict()).append("\"><td><b>").append(v.feature()).append("</b></td><td>")
                    .append(v.capability() ? (v.declared() ? "yes" : "no") : "always").append("</td><td>").append(v.verdict())
                    .append("</td><td>").append(v.passed()).append('/').append(v.tests())
                    .append(v.failed() > 0 ? " (" + v.failed() + " failed)" : "").append("</td><td>").append(esc(v.proves()))
                    .append("</td><td><code>").append(esc(evidence(v.evidence()))).append("</code></td></tr>");
        }
        h.append("</table><h2>Tests</h2><table><tr><th>feature</th><th>test</th><th>status</th><th>ms</th><th>details</th></tr>");
        for (CapabilityReport.TestResult t : r.tests()) {
            h.append("<tr><td>").append(t.feature()).append("</td><td>").append(esc(t.name())).append("</td><td class=\"")
                    .append(t.status()).append("\">").append(t.status()).append("</td><td>").append(t.durationMs()).append("</td><td>");
            if (t.message() != null) h.append("<pre>").append(esc(t.message())).append("</pre>");
            t.history().forEach((g, c) -> h.append("<code>").append(esc(g)).append(": ").append(esc(evidence(c))).append("</code><br>"));
            h.append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    static String evidence(Map<String, Long> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> { if (v != 0) parts.add(k + " " + v); });
        return String.join(", ", parts);
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
