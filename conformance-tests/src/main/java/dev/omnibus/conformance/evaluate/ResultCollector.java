package dev.omnibus.conformance.evaluate;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Prints live progress (tests done / total, current group) and collects every test's outcome. */
final class ResultCollector implements TestExecutionListener {
    private final PrintStream out;
    private final List<CapabilityReport.TestResult> results = new ArrayList<>();
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Long>>> histories = new ConcurrentHashMap<>();
    private long total;
    private int done;
    private String currentGroup = "";

    ResultCollector(PrintStream out) { this.out = out; }

    List<CapabilityReport.TestResult> results() { return results; }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        total = plan.countTestIdentifiers(TestIdentifier::isTest);
        out.printf("running %d conformance tests%n", total);
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (!id.isTest()) return;
        started.put(id.getUniqueId(), System.nanoTime());
        String group = groupOf(id);
        if (!group.equals(currentGroup)) {
            currentGroup = group;
            out.printf("%n== %s%n", group);
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        entry.getKeyValuePairs().forEach((k, v) -> {
            if (k.startsWith("history.")) {
                histories.computeIfAbsent(id.getUniqueId(), x -> new TreeMap<>()).put(k.substring(8), parseCounts(v));
            }
        });
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (!id.isTest()) return;
        record(id, "SKIPPED", 0, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest()) return;
        long ms = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
        String status = switch (result.getStatus()) {
            case SUCCESSFUL -> "PASSED";
            case ABORTED -> "SKIPPED";
            case FAILED -> "FAILED";
        };
        String message = result.getThrowable().map(t -> firstLines(t.getMessage() == null ? t.toString() : t.getMessage(), 12)).orElse(null);
        record(id, status, ms, message);
    }

    private synchronized void record(TestIdentifier id, String status, long ms, String message) {
        done++;
        String name = id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                .orElse(id.getDisplayName());
        Feature feature = Feature.ofNestedClass(groupOf(id)).orElse(null);
        results.add(new CapabilityReport.TestResult(feature == null ? groupOf(id) : feature.name(), name, status, ms, message,
                histories.getOrDefault(id.getUniqueId(), Map.of())));
        out.printf("  [%3d/%d] %-7s %s (%d ms)%n", done, total, status, name, ms);
        if ("FAILED".equals(status) && message != null) out.println("          " + message.replace("\n", "\n          "));
    }

    private static String groupOf(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getClassName())
                .map(c -> c.substring(Math.max(c.lastIndexOf('$'), c.lastIndexOf('.')) + 1)).orElse("?");
    }

    /** Parses {@code {a=1, b=2}} as published by the kit. */
    static Map<String, Long> parseCounts(String text) {
        Map<String, Long> m = new TreeMap<>();
        String body = text.replaceAll("^\\{|}$", "");
        for (String pair : body.split(",\\s*")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try { m.put(pair.substring(0, eq).trim(), Long.parseLong(pair.substring(eq + 1).trim())); }
                catch (NumberFormatException ignored) { /* not a count */ }
            }
        }
        return m;
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOf(lines, Math.min(n, lines.length)));
    }
}
