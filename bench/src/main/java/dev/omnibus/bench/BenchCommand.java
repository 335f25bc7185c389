package dev.omnibus.bench;

import dev.omnibus.bench.internal.BenchRun;
import dev.omnibus.bench.internal.Contrast;
import dev.omnibus.bench.internal.BrokerTarget;
import dev.omnibus.bench.internal.Charts;
import dev.omnibus.bench.internal.InvalidWorkloadException;
import dev.omnibus.bench.internal.PerfToolRun;
import dev.omnibus.bench.internal.ResultWriter;
import dev.omnibus.bench.internal.RunResult;
import dev.omnibus.bench.internal.ScheduledLateness;
import dev.omnibus.bench.internal.WorkloadLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/**
 * {@code ./omnibus bench}: Omnibus against the native client of one broker, interleaved legs in one
 * process, with the Omnibus/native ratio of every figure. Writes {@code result.json},
 * {@code result.md}, {@code latency.png} and {@code throughput.png} to {@code --out}. Exit code 0 when
 * the run completed (the targets are reported, not enforced), 2 for bad arguments, 1 for a failed run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark Omnibus against the native client of a broker: alternating native and Omnibus legs",
                "(--warmup-pairs unmeasured pairs, then --pairs measured pairs) against one broker in one process.",
                "Shipped workloads: 1kb-max-rate, 1kb-fixed-rate, 100b-many-keys (or a YAML file)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--broker", required = true, description = "kafka, pulsar, rabbitmq, nats or memory")
    String broker;

    @Option(names = "--workload", defaultValue = "1kb-fixed-rate", description = "shipped workload name or YAML file (default: ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--url", description = "use this running broker instead of starting a local one")
    String url;

    @Option(names = "--out", description = "output directory (default: bench/results/<timestamp>)")
    Path out;

    @Option(names = "--pairs", defaultValue = "3", description = "measured native/Omnibus pairs after the warm-up pairs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--warmup-pairs", defaultValue = "" + BenchRun.DEFAULT_WARMUP_PAIRS, description = "unmeasured native/Omnibus "
            + "pairs before the measured ones, 0 to 10 (default: ${DEFAULT-VALUE}; one did not warm a freshly started broker)")
    int warmupPairs;

    @Option(names = "--instrumented", description = "Omnibus legs run with omnibus-opentelemetry (OpenTelemetry SDK, every span sampled) "
            + "and omnibus-micrometer (Prometheus registry): the overhead of observation")
    boolean instrumented;

    @Option(names = "--overhead", description = "pairs of plain and instrumented Omnibus legs (no native leg): the cost of "
            + "omnibus-opentelemetry + omnibus-micrometer, interleaved (targets: rate >= 0.97, p99 <= 1.05 x plain)")
    boolean overhead;

    @Option(names = "--envelope", description = "the native legs write and read the CloudEvents binary-mode headers by hand "
            + "(kafka, pulsar, rabbitmq, nats): what the abstraction costs once both sides carry the same envelope")
    boolean envelope;

    @Option(names = "--traced-native", description = "pairs of the native client plain and traced by OpenTelemetry's own "
            + "instrumentation of it (kafka: opentelemetry-kafka-clients-2.6) on the SDK set-up of the instrumented legs: what "
            + "tracing costs without Omnibus, the reference for --overhead (with --sample-ratio)")
    boolean tracedNative;

    @Option(names = "--perf-tool", description = "instead of native/Omnibus pairs, run the broker's own load tool (kafka-tools "
            + "ProducerPerformance + ConsumerPerformance, pulsar-perf, RabbitMQ PerfTest) with the workload's shape, to check the native leg")
    boolean perfTool;

    @Option(names = "--on-delivery-thread", description = "the Omnibus legs subscribe with SubscribeOptions.handleOnDeliveryThread: "
            + "handlers run on the driver's delivery thread where it offers that (kafka, nats), without the hand-off to a worker; "
            + "needs a workload with consumerConcurrency 1")
    boolean onDeliveryThread;

    @Option(names = "--sample-ratio", defaultValue = "1", description = "with --instrumented, --overhead or --traced-native: the fraction of "
            + "traces sampled (parent-based trace-id ratio, as OTEL_TRACES_SAMPLER=parentbased_traceidratio); default 1 = every span")
    double sampleRatio;

    @Option(names = "--observers", defaultValue = "opentelemetry,micrometer", split = ",", description = "with --instrumented "
            + "or --overhead: which observation modules the instrumented legs run, to separate their costs "
            + "(opentelemetry, micrometer; default: both)")
    java.util.Set<String> observers;

    @Option(names = "--scheduled", description = "instead of the legs: the scheduled-delivery lateness figure "
            + "(--scheduled-messages spread over --scheduled-window-seconds; the issue's full shape is 10000 over 60)")
    boolean scheduled;

    @Option(names = "--scheduled-messages", defaultValue = "2000", description = "messages for --scheduled (default: ${DEFAULT-VALUE})")
    int scheduledMessages;

    @Option(names = "--scheduled-window-seconds", defaultValue = "10", description = "span of their due times (default: ${DEFAULT-VALUE})")
    int scheduledWindowSeconds;

    @Option(names = "--note", description = "a line written above the results, e.g. about the machine's load")
    String note;

    @Override
    public Integer call() throws Exception {
        if (scheduled) return scheduledLateness();
        Workload w;
        try {
            w = WorkloadLoader.load(workload);
        } catch (InvalidWorkloadException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        if (overhead && instrumented) {
            System.err.println("bench: --overhead already compares plain and instrumented legs; drop --instrumented");
            return 2;
        }
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            System.err.println("bench: --sample-ratio must be in [0, 1], got " + sampleRatio);
            return 2;
        }
        if (observers.isEmpty() || !java.util.Set.of("opentelemetry", "micrometer").containsAll(observers)) {
            System.err.println("bench: --observers takes opentelemetry and/or micrometer, got " + observers);
            return 2;
        }
        if (envelope && (overhead || perfTool || instrumented)) {
            System.err.println("bench: --envelope changes the native legs; it does not combine with --overhead, --instrumented or --perf-tool");
            return 2;
        }
        if (tracedNative && (overhead || perfTool || instrumented || envelope)) {
            System.err.println("bench: --traced-native compares two native legs; it does not combine with --overhead, --instrumented, --envelope or --perf-tool");
            return 2;
        }
        if (tracedNative && !dev.omnibus.bench.internal.BrokerTarget.TRACED_NATIVE.contains(broker)) {
            System.err.println("bench: --traced-native is implemented for " + dev.omnibus.bench.internal.BrokerTarget.TRACED_NATIVE
                    + " in this build, not for " + broker);
            return 2;
        }
        if (envelope && !dev.omnibus.bench.internal.BrokerTarget.ENVELOPE.contains(broker)) {
            System.err.println("bench: --envelope is implemented for " + dev.omnibus.bench.internal.BrokerTarget.ENVELOPE
                    + " in this build, not for " + broker);
            return 2;
        }
        if (onDeliveryThread && (perfTool || tracedNative || w.consumerConcurrency() != 1)) {
            System.err.println("bench: --on-delivery-thread changes the Omnibus legs and needs consumerConcurrency 1; "
                    + (perfTool || tracedNative ? "--perf-tool and --traced-native run no Omnibus leg" : "the workload " + w.name()
                    + " has " + w.consumerConcurrency()));
            return 2;
        }
        if (pairs < 1) {
            System.err.println("bench: --pairs must be at least 1, got " + pairs);
            return 2;
        }
        if (warmupPairs < 0 || warmupPairs > 10) {
            System.err.println("bench: --warmup-pairs must be from 0 to 10, got " + warmupPairs);
            return 2;
        }
        Path dir = out != null ? out : Path.of("bench", "results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + broker + "-" + w.name() + (perfTool ? "-perf-tool" : overhead ? "-overhead" : instrumented ? "-instrumented" : envelope ? "-envelope" : tracedNative ? "-traced-native" : ""));
        if (perfTool) System.out.printf("bench: the broker's own load tool with the shape of %s on %s; results in %s%n", w.name(), broker, dir);
        else System.out.printf("bench: %s on %s, %d measured pairs after %d warm-up pair(s); results in %s%n", w.name(), broker, pairs,
                warmupPairs, dir);
        BrokerTarget target;
        try {
            target = BrokerTarget.open(broker, url);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
        target.handleOnDeliveryThread(onDeliveryThread);
        try (target) {
            System.out.println("bench: broker at " + target.url().replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@"));
            if (perfTool) {
                PerfToolRun.Figures f;
                try {
                    f = new PerfToolRun(target, w, dir, System.out).run();
                } catch (IllegalStateException | IllegalArgumentException e) {
                    System.err.println("bench: " + e.getMessage());
                    return 1;
                }
                String md = PerfToolRun.markdown(broker, w, f, note);
                java.nio.file.Files.writeString(dir.resolve("perf-tool.md"), md);
                System.out.println();
                System.out.print(md);
                System.out.println("Wrote " + dir.resolve("perf-tool.md") + " and the tools' output beside it");
                return 0;
            }
            Contrast contrast = tracedNative ? Contrast.NATIVE_VS_NATIVE_TRACED
                    : overhead ? Contrast.OBSERVATION_OVERHEAD
                    : instrumented ? Contrast.NATIVE_VS_INSTRUMENTED
                    : envelope ? Contrast.NATIVE_ENVELOPE_VS_OMNIBUS : Contrast.NATIVE_VS_OMNIBUS;
            RunResult result = new BenchRun(target, w, pairs, System.out, contrast).warmupPairs(warmupPairs).sampleRatio(sampleRatio).observers(observers).run();
            java.util.List<String> noteParts = new java.util.ArrayList<>();
            if (onDeliveryThread) noteParts.add("Omnibus legs handle on the delivery thread (SubscribeOptions.handleOnDeliveryThread).");
            if (instrumented || overhead) noteParts.add("Omnibus legs instrumented (" + String.join(" + ", observers.stream()
                    .sorted(java.util.Comparator.reverseOrder()).map(o -> "omnibus-" + o).toList()) + ").");
            if (note != null) noteParts.add(note);
            ResultWriter.write(result, dir, noteParts.isEmpty() ? null : String.join(" ", noteParts));
            Charts.write(result, dir);
            System.out.println();
            System.out.println(contrast.candidateLabel() + " / " + contrast.baselineLabel() + ", " + broker + ", " + w.name() + " (ratio = median of per-pair ratios):");
            System.out.print(ResultWriter.table(result));
            System.out.println("Wrote " + dir.resolve("result.json") + ", result.md, latency.png, throughput.png");
            return 0;
        }
    }

    private int scheduledLateness() throws Exception {
        if (scheduledMessages < 1 || scheduledWindowSeconds < 1) {
            System.err.println("bench: --scheduled-messages and --scheduled-window-seconds must be at least 1");
            return 2;
        }
        Path dir = out != null ? out : Path.of("bench", "results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + broker + "-scheduled");
        try (BrokerTarget target = BrokerTarget.open(broker, url);
             dev.omnibus.Messaging bus = dev.omnibus.Messaging.connect(target.url())) {
            System.out.printf("bench: scheduled-delivery lateness on %s, %d messages over %d s%n", broker, scheduledMessages,
                    scheduledWindowSeconds);
            ScheduledLateness.Result r = ScheduledLateness.run(bus, scheduledMessages,
                    java.time.Duration.ofSeconds(scheduledWindowSeconds), java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(60));
            String table = ScheduledLateness.Result.markdownHeader() + r.markdown(broker);
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve("scheduled.md"), (note == null ? "" : note + "\n\n") + table);
            System.out.print(table);
            System.out.println("Wrote " + dir.resolve("scheduled.md"));
            return r.received() == r.messages() && r.early() == 0 ? 0 : 1;
        } catch (dev.omnibus.UnsupportedCapabilityException | IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            return 2;
        }
    }

    public static void main(String[] args) {
        int code = dev.omnibus.conformance.evaluate.CommandLines.of("bench", new BenchCommand()).execute(args);
        System.exit(code);
    }
}
