package dev.omnibus.conformance.evaluate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable result of one evaluation ({@code report.json}).
 *
 * @param driver       URL scheme of the driver
 * @param fixture      what was evaluated (redacted URL or local fixture name)
 * @param broker       broker product and version as the driver reports it
 * @param omnibus      Omnibus version
 * @param options      connection options (secrets redacted)
 * @param maxMessageBytes the driver's message size limit
 * @param startedAt    start of the run
 * @param durationMs   wall time of the run
 * @param passed       true when every declared capability and every semantic held
 * @param totals       test counts
 * @param features     one verdict per capability or semantic
 * @param tests        every test with its outcome and history counts
 */
public record CapabilityReport(String driver, String fixture, String broker, String omnibus, Map<String, String> options,
                               long maxMessageBytes, Instant startedAt, long durationMs, boolean passed, Totals totals,
                               List<FeatureVerdict> features, List<TestResult> tests) {

    /** Test counts of the run. */
    public record Totals(int tests, int passed, int failed, int skipped) {}

    /**
     * @param feature    capability or semantic name
     * @param capability true when it is a capability a driver may declare
     * @param declared   for capabilities: declared by the driver
     * @param verdict    HOLDS, VIOLATED, NOT_PROVIDED (undeclared and fails fast), NOT_EXERCISED
     * @param proves     what the tests exercise
     * @param evidence   history counts summed over the feature's tests
     */
    public record FeatureVerdict(String feature, boolean capability, boolean declared, String verdict, String proves,
                                 int tests, int passed, int failed, int skipped, Map<String, Long> evidence) {}

    /**
     * @param feature  the feature the test belongs to
     * @param name     test method name
     * @param status   PASSED, FAILED or SKIPPED
     * @param message  failure or skip reason
     * @param history  verdict counts per group, as published by the kit
     */
    public record TestResult(String feature, String name, String status, long durationMs, String message,
                             Map<String, Map<String, Long>> history) {}
}
