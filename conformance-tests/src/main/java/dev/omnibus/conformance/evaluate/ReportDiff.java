package dev.omnibus.conformance.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changes for an application moving from the broker (or configuration) of report A to that of
 * report B: capabilities gained and lost, semantics whose verdict differs, tests that flip, limits,
 * and what to change in the application.
 */
public final class ReportDiff {
    private ReportDiff() {}

    /** Advice per capability, for the application that loses it. */
    static final Map<String, String> IF_LOST = Map.of(
            "CONSUMER_GROUPS", "SubscribeOptions.group(...) fails fast: every subscriber sees every message; move work-sharing elsewhere.",
            "PER_KEY_ORDERING", "Subscribing with the default Ordering.PER_KEY fails fast: set ordering(Ordering.NONE) and make handlers order-independent, or stay on a broker that orders by key.",
            "REPLAY", "startFrom(StartFrom.EARLIEST) fails fast: new groups cannot read history; keep an event store or choose a replaying configuration (e.g. RabbitMQ streams).",
            "DURABLE", "Messages do not survive a broker restart: do not use it for business events.",
            "REQUEST_REPLY", "request()/respond() fail fast: call the service over HTTP instead.",
            "DELAYED_REDELIVERY", "Retry delays are held in the consumer process (the default everywhere); nothing to change.",
            "BROKER_DEDUPLICATION", "Producer retries may duplicate: use an idempotency store on consumers (SubscribeOptions.idempotency).");

    public static String diff(CapabilityReport a, CapabilityReport b) {
        StringBuilder sb = new StringBuilder();
        sb.append("From ").append(a.driver()).append(" (").append(a.broker()).append(") to ")
                .append(b.driver()).append(" (").append(b.broker()).append(")\n\n");
        Map<String, CapabilityReport.FeatureVerdict> fa = byName(a.features(), CapabilityReport.FeatureVerdict::feature);
        Map<String, CapabilityReport.FeatureVerdict> fb = byName(b.features(), CapabilityReport.FeatureVerdict::feature);
        List<String> gained = new ArrayList<>(), lost = new ArrayList<>(), changed = new ArrayList<>(), advice = new ArrayList<>();
        for (String f : union(fa.keySet(), fb.keySet())) {
            Optional<CapabilityReport.FeatureVerdict> va = Optional.ofNullable(fa.get(f));
            Optional<CapabilityReport.FeatureVerdict> vb = Optional.ofNullable(fb.get(f));
            boolean hadIt = va.map(ReportDiff::provided).orElse(false);
            boolean hasIt = vb.map(ReportDiff::provided).orElse(false);
            boolean capability = va.or(() -> vb).map(CapabilityReport.FeatureVerdict::capability).orElse(false);
            if (capability && !hadIt && hasIt) gained.add(f);
            if (capability && hadIt && !hasIt) {
                lost.add(f);
                advice.add(f + ": " + IF_LOST.getOrDefault(f, "check the application's use of it."));
            }
            String sa = va.map(CapabilityReport.FeatureVerdict::verdict).orElse("absent");
            String sbv = vb.map(CapabilityReport.FeatureVerdict::verdict).orElse("absent");
            if (!sa.equals(sbv)) changed.add(String.format("%-26s %s -> %s", f, sa, sbv));
        }
        section(sb, "Capabilities gained", gained);
        section(sb, "Capabilities lost", lost);
        section(sb, "Verdicts that differ", changed);
        List<String> flips = new ArrayList<>();
        Map<String, CapabilityReport.TestResult> ta = byName(a.tests(), t -> t.feature() + "." + t.name());
        for (CapabilityReport.TestResult t : b.tests()) {
            CapabilityReport.TestResult before = ta.get(t.feature() + "." + t.name());
            if (before != null && !before.status().equals(t.status())) {
                flips.add(t.feature() + "." + t.name() + ": " + before.status() + " -> " + t.status());
            }
        }
        section(sb, "Tests whose outcome differs", flips);
        List<String> limits = new ArrayList<>();
        if (a.maxMessageBytes() != b.maxMessageBytes()) {
            limits.add("max message size " + a.maxMessageBytes() + " -> " + b.maxMessageBytes() + " bytes"
                    + (b.maxMessageBytes() < a.maxMessageBytes() ? " (larger messages now fail with MessageTooLargeException)" : ""));
        }
        section(sb, "Limits", limits);
        section(sb, "What to change in the application", advice.isEmpty()
                ? List.of("Nothing: change the URL (OMNIBUS_URL) and keep the code.") : advice);
        return sb.toString();
    }

    private static boolean provided(CapabilityReport.FeatureVerdict v) {
        return v.declared() && !"VIOLATED".equals(v.verdict());
    }

    private static void section(StringBuilder sb, String title, List<String> lines) {
        sb.append(title).append(":\n");
        if (lines.isEmpty()) sb.append("  (none)\n");
        for (String l : lines) sb.append("  - ").append(l).append('\n');
        sb.append('\n');
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        return items.stream().collect(Collectors.toMap(name, x -> x, (x, y) -> x, java.util.LinkedHashMap::new));
    }

    private static List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>(a);
        s.addAll(b);
        return new ArrayList<>(s);
    }
}
