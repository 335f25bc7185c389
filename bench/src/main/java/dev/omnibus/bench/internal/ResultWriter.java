package dev.omnibus.bench.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibus.bench.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link RunResult} as {@code result.json} (per figure: native, omnibus, ratio, spread, target),
 * {@code result.md} (the same as Markdown tables) and the terminal summary.
 */
public final class ResultWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultWriter() {}

    /** The JSON document. */
    public static ObjectNode json(RunResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("broker", r.broker());
        root.put("brokerDescription", r.brokerDescription());
        root.put("url", r.url());
        root.put("nativeClient", r.nativeClient());
        root.put("omnibusClient", r.omnibusClient());
        root.put("baseline", r.contrast().baselineKind());
        root.put("candidate", r.contrast().candidateKind());
        root.put("startedAt", r.startedAt().toString());
        root.put("finishedAt", r.finishedAt().toString());
        ObjectNode host = root.putObject("host");
        host.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        host.put("javaVersion", System.getProperty("java.version"));
        host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        Workload w = r.workload();
        ObjectNode wl = root.putObject("workload");
        wl.put("name", w.name());
        wl.put("description", w.description());
        wl.put("messageSize", w.messageSize());
        wl.put("keys", w.keys());
        wl.put("partitions", w.partitions());
        wl.put("producers", w.producers());
        wl.put("consumers", w.consumers());
        wl.put("consumerConcurrency", w.consumerConcurrency());
        wl.put("rate", w.rate());
        wl.put("maxOutstanding", w.maxOutstanding());
        wl.put("maxBacklog", w.maxBacklog());
        wl.put("warmup", w.warmup().toString());
        wl.put("duration", w.duration().toString());
        ArrayNode figures = root.putArray("figures");
        for (Comparison.Row row : r.comparison()) {
            ObjectNode f = figures.addObject();
            f.put("name", row.name());
            f.put("unit", row.unit());
            f.put("better", row.higherIsBetter() ? "higher" : "lower");
            number(f, "native", row.nativeValue());
            number(f, "omnibus", row.omnibusValue());
            number(f, "ratio", row.ratio());
            ObjectNode spread = f.putObject("spread");
            number(spread, "min", row.spread().min());
            number(spread, "median", row.spread().median());
            number(spread, "max", row.spread().max());
            ArrayNode pairs = f.putArray("pairRatios");
            row.pairRatios().forEach(d -> { if (Double.isFinite(d)) pairs.add(d); else pairs.addNull(); });
            if (row.target() != null) {
                f.put("target", row.target());
                if (row.met() == null) f.putNull("met"); else f.put("met", row.met());
            }
        }
        ArrayNode legs = root.putArray("legs");
        for (LegResult l : r.legs()) {
            ObjectNode o = legs.addObject();
            o.put("client", l.kind());
            o.put("pair", l.pair());
            o.put("warmup", l.warmup());
            o.put("topic", l.topic());
            number(o, "windowSeconds", l.windowSeconds());
            number(o, "publishRate", l.publishRate());
            number(o, "publishMiBps", l.publishMBps());
            number(o, "consumeRate", l.consumeRate());
            number(o, "consumeMiBps", l.consumeMBps());
            latency(o.putObject("publishLatencyMs"), l.publishLatency());
            latency(o.putObject("endToEndLatencyMs"), l.endToEndLatency());
            number(o, "allocBytesPerMessage", l.allocBytesPerMessage());
            number(o, "cpuMicrosPerMessage", l.cpuMicrosPerMessage());
            o.put("sent", l.sent());
            o.put("acked", l.acked());
            o.put("received", l.received());
            o.put("errors", l.errors());
            o.put("outOfOrder", l.outOfOrder());
        }
        return root;
    }

    private static void latency(ObjectNode o, org.HdrHistogram.Histogram h) {
        o.put("count", h.getTotalCount());
        number(o, "p50", LegResult.percentileMs(h, 50));
        number(o, "p99", LegResult.percentileMs(h, 99));
        number(o, "p99.9", LegResult.percentileMs(h, 99.9));
        number(o, "max", LegResult.percentileMs(h, 100));
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) o.put(field, Math.round(v * 10_000) / 10_000.0); else o.putNull(field);
    }

    /** The comparison as a Markdown document. */
    public static String markdown(RunResult r, String note) {
        StringBuilder sb = new StringBuilder();
        Workload w = r.workload();
        Contrast c = r.contrast();
        sb.append("# ").append(c.candidateLabel()).append(" vs ").append(c.baselineLabel()).append(": ").append(r.broker()).append(", workload `").append(w.name()).append("`\n\n");
        if (note != null && !note.isBlank()) sb.append("> ").append(note).append("\n\n");
        sb.append("- Broker: ").append(r.brokerDescription()).append(" (`").append(r.url()).append("`)\n");
        sb.append("- ").append(capitalized(c.baselineLabel())).append(": ").append(r.nativeClient()).append("\n");
        sb.append("- ").append(capitalized(c.candidateLabel())).append(": ").append(r.omnibusClient()).append("\n");
        sb.append("- Workload: ").append(w.description()).append("; ").append(w.messageSize()).append(" B, ")
                .append(w.keys()).append(" keys, ").append(w.partitions()).append(" partitions, ")
                .append(w.producers()).append(" producer(s), ").append(w.consumers()).append(" consumer(s) x ")
                .append(w.consumerConcurrency()).append(" workers, rate ").append(w.rate() == 0 ? "max" : w.rate() + " msg/s")
                .append(w.maxBacklog() == 0 ? "" : ", producers at most " + w.maxBacklog() + " messages ahead of the consumers")
                .append(", warm-up ").append(w.warmup().toSeconds()).append(" s + measured ").append(w.duration().toSeconds())
                .append(" s per leg\n");
        long pairs = r.legs().stream().filter(l -> !l.warmup()).count() / 2;
        long warmups = r.legs().stream().filter(LegResult::warmup).count() / 2;
        sb.append("- ").append(pairs).append(" measured ").append(c.baselineLabel()).append("/").append(c.candidateLabel())
                .append(" pairs after ").append(warmups == 1 ? "a warm-up pair" : warmups + " warm-up pairs")
                .append(", which goes first alternating, one fresh topic per leg; ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append("; ").append(r.startedAt()).append("\n\n");
        sb.append("| figure | unit | ").append(c.baselineLabel()).append(" | ").append(c.candidateLabel())
                .append(" | ratio (median) | spread min..max | target |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | --- | --- |\n");
        for (Comparison.Row row : r.comparison()) {
            sb.append("| ").append(row.name()).append(" | ").append(row.unit()).append(" | ").append(fmt(row.nativeValue()))
                    .append(" | ").append(fmt(row.omnibusValue())).append(" | ").append(fmtRatio(row.ratio())).append(" | ")
                    .append(fmtRatio(row.spread().min())).append("..").append(fmtRatio(row.spread().max())).append(" | ")
                    .append(row.target() == null ? "" : row.target() + (row.met() == null ? "" : row.met() ? " ✔" : " ✘"))
                    .append(" |\n");
        }
        sb.append("\nRatio = ").append(c.candidateLabel()).append(" / ").append(c.baselineLabel()).append(" of the same pair (higher is better for rates, lower for latency and allocation).\n\n");
        sb.append("## Legs\n\n| # | client | pair | publish msg/s | consume msg/s | publish p99 ms | e2e p50 ms | e2e p99 ms | e2e max ms | alloc B/msg | CPU µs/msg | sent | received | out of order |\n");
        sb.append("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int i = 1;
        for (LegResult l : r.legs()) {
            sb.append("| ").append(i++).append(" | ").append(l.kind()).append(" | ").append(l.warmup() ? "warm-up" : l.pair())
                    .append(" | ").append(fmt(l.publishRate())).append(" | ").append(fmt(l.consumeRate())).append(" | ")
                    .append(fmt(LegResult.percentileMs(l.publishLatency(), 99))).append(" | ")
                    .append(fmt(LegResult.percentileMs(l.endToEndLatency(), 50))).append(" | ")
                    .append(fmt(LegResult.percentileMs(l.endToEndLatency(), 99))).append(" | ")
                    .append(fmt(LegResult.percentileMs(l.endToEndLatency(), 100))).append(" | ")
                    .append(fmt(l.allocBytesPerMessage())).append(" | ").append(fmt(l.cpuMicrosPerMessage())).append(" | ")
                    .append(l.sent()).append(" | ").append(l.received())
                    .append(" | ").append(l.outOfOrder()).append(" |\n");
        }
        sb.append("\n![latency percentiles](latency.png)\n\n![throughput per leg](throughput.png)\n");
        return sb.toString();
    }

    private static String capitalized(String s) { return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1); }

    /** The terminal summary table. */
    public static String table(RunResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %-9s %12s %12s %8s %17s  %s%n", "figure", "unit", r.contrast().baselineKind(),
                r.contrast().candidateKind(),
                "ratio", "spread", "target"));
        for (Comparison.Row row : r.comparison()) {
            sb.append(String.format(Locale.ROOT, "%-22s %-9s %12s %12s %8s %17s  %s%n", row.name(), row.unit(),
                    fmt(row.nativeValue()), fmt(row.omnibusValue()), fmtRatio(row.ratio()),
                    fmtRatio(row.spread().min()) + ".." + fmtRatio(row.spread().max()),
                    row.target() == null ? "" : row.target() + (row.met() == null ? "" : row.met() ? "  OK" : "  MISSED")));
        }
        return sb.toString();
    }

    /** Writes result.json and result.md into {@code dir}. */
    public static void write(RunResult r, Path dir, String note) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = json(r);
        if (note != null) json.put("note", note);
        JSON.writeValue(dir.resolve("result.json").toFile(), json);
        Files.writeString(dir.resolve("result.md"), markdown(r, note));
    }

    static String fmt(double v) {
        if (!Double.isFinite(v)) return "n/a";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String fmtRatio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "n/a";
    }
}
