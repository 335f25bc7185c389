package dev.omnibus.conformance.evaluate;

import dev.omnibus.Capability;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.ForwardingBrokerFixture;
import dev.omnibus.internal.Redaction;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@code ./omnibus evaluate}: the conformance kit as a command. Runs every test against a broker URL
 * or a local broker it starts itself, prints progress, writes {@code report.json} and
 * {@code report.html}, and exits 0 only when every declared capability (and every semantic) held.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the Omnibus conformance kit against a broker and write a capability report.",
                "Examples:",
                "  ./omnibus evaluate kafka://127.0.0.1:9092",
                "  ./omnibus evaluate --local pulsar --out target/pulsar-report",
                "  ./omnibus evaluate --local kafka --faults --out docs/reports/kafka",
                "  ./omnibus evaluate --diff kafka/report.json rabbitmq/report.json",
                "  ./omnibus evaluate --table memory/report.json kafka/report.json [--readme README.md]"})
public final class EvaluateCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", description = "Broker URL, e.g. kafka://127.0.0.1:9092")
    String url;

    @Option(names = "--local", paramLabel = "BROKER", description = "Start a local broker process: kafka, pulsar, rabbitmq, nats or memory")
    String local;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE", description = "Connection option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Where report.json and report.html go (default: omnibus-report)")
    Path out = Path.of("omnibus-report");

    @Option(names = "--faults", description = "Also run the fault group (broker SIGKILL, stop, cut connections, crashing "
            + "consumers; minutes): its verdict is the DURABLE row. Needs a broker the fixture can kill and restart (--local)")
    boolean faults;

    @Option(names = "--diff", arity = "2", paramLabel = "REPORT", description = "Compare two report.json files (A then B) and exit")
    List<Path> diff;

    @Option(names = "--table", arity = "1..*", paramLabel = "REPORT", description = "Print the capability matrix of reports as Markdown and exit")
    List<Path> table;

    @Option(names = "--readme", paramLabel = "FILE", description = "With --table: replace the table between the capability-table markers of FILE")
    Path readme;

    private final PrintStream console = System.out;

    public static void main(String[] args) {
        System.exit(CommandLines.of("evaluate", new EvaluateCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (diff != null) {
            console.print(ReportDiff.diff(ReportWriter.readJson(diff.get(0)), ReportWriter.readJson(diff.get(1))));
            return 0;
        }
        if (table != null) return printTable();
        if ((url == null) == (local == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "Give either a broker URL or --local BROKER");
        }
        BrokerFixture fixture = local != null ? LocalBrokers.create(local, faults) : new ExternalBroker(url, options);
        if (local != null && !options.isEmpty()) fixture = withOptions(fixture, options);
        return evaluate(fixture);
    }

    private int printTable() throws Exception {
        List<CapabilityReport> reports = new ArrayList<>();
        for (Path p : table) reports.add(ReportWriter.readJson(p));
        String md = ReportWriter.markdownTable(reports);
        if (readme == null) {
            console.print(md);
            return 0;
        }
        String text = Files.readString(readme);
        String start = "<!-- capability-table:start -->", end = "<!-- capability-table:end -->";
        int a = text.indexOf(start), b = text.indexOf(end);
        if (a < 0 || b < a) throw new IllegalStateException(readme + " has no " + start + " ... " + end + " block");
        Files.writeString(readme, text.substring(0, a + start.length()) + "\n" + md + text.substring(b));
        console.println("updated the capability table in " + readme);
        return 0;
    }

    int evaluate(BrokerFixture fixture) throws Exception {
        Instant startedAt = Instant.now();
        console.println("starting " + fixture.name() + " ...");
        fixture.start();
        String driver, broker;
        long maxBytes;
        Set<Capability> declared;
        try (Messaging probe = Messaging.connect(MessagingConfig.builder(fixture.url()).options(fixture.options()).build())) {
            driver = probe.driverName();
            broker = probe.brokerDescription();
            maxBytes = probe.maxMessageBytes();
            declared = probe.capabilities();
        }
        console.printf("driver %s on %s declares %s%n", driver, broker, new java.util.TreeSet<>(declared));
        EvaluatedBroker.set(fixture);
        ResultCollector collector = new ResultCollector(console);
        LauncherDiscoveryRequestBuilder selection = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(EvaluatedBrokerConformanceTest.class));
        if (faults && fixture.supportsRestart()) {
            selection.selectors(selectClass(EvaluatedBrokerFaultTest.class));
        } else if (faults) {
            console.println("--faults: " + fixture.name() + " cannot kill and restart its broker; the fault group is not run");
        }
        LauncherDiscoveryRequest request = selection.build();
        Launcher launcher = LauncherFactory.create();
        try {
            launcher.execute(request, collector);
        } finally {
            fixture.close();
        }
        CapabilityReport report = assemble(fixture, driver, broker, maxBytes, declared, startedAt, collector.results());
        Files.createDirectories(out);
        ReportWriter.writeJson(report, out.resolve("report.json"));
        ReportWriter.writeHtml(report, out.resolve("report.html"));
        console.printf("%n%s: %d passed, %d failed, %d skipped of %d tests in %d s%n", report.passed() ? "PASSED" : "FAILED",
                report.totals().passed(), report.totals().failed(), report.totals().skipped(), report.totals().tests(),
                report.durationMs() / 1000);
        for (CapabilityReport.FeatureVerdict v : report.features()) {
            console.printf("  %-26s %-13s %d/%d%n", v.feature(), v.verdict(), v.passed(), v.tests());
        }
        console.println("report: " + out.resolve("report.json") + " and " + out.resolve("report.html"));
        return report.passed() ? 0 : 1;
    }

    static CapabilityReport assemble(BrokerFixture fixture, String driver, String broker, long maxBytes,
                                     Set<Capability> declared, Instant startedAt, List<CapabilityReport.TestResult> tests) {
        Map<Feature, List<CapabilityReport.TestResult>> byFeature = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) byFeature.put(f, new ArrayList<>());
        for (CapabilityReport.TestResult t : tests) {
            try { byFeature.get(Feature.valueOf(t.feature())).add(t); } catch (IllegalArgumentException ignored) { /* unknown group */ }
        }
        List<CapabilityReport.FeatureVerdict> verdicts = new ArrayList<>();
        for (Map.Entry<Feature, List<CapabilityReport.TestResult>> e : byFeature.entrySet()) {
            Feature f = e.getKey();
            verdicts.add(verdict(f.name(), f.capability != null, f.capability == null || declared.contains(f.capability),
                    f.proves, e.getValue()));
        }
        for (Capability c : Capability.values()) { // capabilities no group exercises yet
            if (byFeature.keySet().stream().noneMatch(f -> f.capability == c)) {
                verdicts.add(new CapabilityReport.FeatureVerdict(c.name(), true, declared.contains(c), "NOT_EXERCISED",
                        "not exercised by this version of the kit", 0, 0, 0, 0, Map.of()));
            }
        }
        int passed = (int) tests.stream().filter(t -> t.status().equals("PASSED")).count();
        int failed = (int) tests.stream().filter(t -> t.status().equals("FAILED")).count();
        int skipped = tests.size() - passed - failed;
        Map<String, String> shownOptions = new TreeMap<>();
        fixture.options().forEach((k, v) -> shownOptions.put(k, Redaction.isSecretKey(k) ? "****" : v));
        return new CapabilityReport(driver, fixture.name(), broker, version(), shownOptions, maxBytes, startedAt,
                java.time.Duration.between(startedAt, Instant.now()).toMillis(), failed == 0 && !tests.isEmpty(),
                new CapabilityReport.Totals(tests.size(), passed, failed, skipped), verdicts, tests);
    }

    private static CapabilityReport.FeatureVerdict verdict(String name, boolean capability, boolean declared, String proves,
                                                           List<CapabilityReport.TestResult> tests) {
        int passed = (int) tests.stream().filter(t -> t.status().equals("PASSED")).count();
        int failed = (int) tests.stream().filter(t -> t.status().equals("FAILED")).count();
        Map<String, Long> evidence = new TreeMap<>();
        for (CapabilityReport.TestResult t : tests) t.history().values().forEach(c -> c.forEach((k, v) -> evidence.merge(k, v, Long::sum)));
        String verdict = failed > 0 ? "VIOLATED" : tests.isEmpty() ? "NOT_EXERCISED" : !declared ? "NOT_PROVIDED"
                : passed == 0 ? "NOT_EXERCISED" : "HOLDS";
        return new CapabilityReport.FeatureVerdict(name, capability, declared, verdict, proves, tests.size(), passed, failed,
                tests.size() - passed - failed, evidence);
    }

    private static String version() {
        String v = EvaluateCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static BrokerFixture withOptions(BrokerFixture f, Map<String, String> extra) {
        return new ForwardingBrokerFixture(f) {
            @Override public Map<String, String> options() {
                Map<String, String> m = new LinkedHashMap<>(f.options());
                m.putAll(extra);
                return m;
            }
        };
    }
}
