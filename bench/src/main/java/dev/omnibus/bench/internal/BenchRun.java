package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A whole run in one process against one broker: {@linkplain #warmupPairs(int) warm-up pairs} (native, Omnibus;
 * reported, not compared; two by default), then {@code pairs} measured pairs of a native and an Omnibus leg. Which
 * of the two goes first alternates from pair to pair (the last warm-up pair A B, pair 1 B A, pair 2 A B, …). Every
 * leg gets a fresh client and a fresh topic. Progress goes to {@code out} about once a second.
 */
public final class BenchRun {
    private final BrokerTarget target;
    private final Workload workload;
    private final int pairs;
    private final PrintStream out;
    private final Contrast contrast;
    private double sampleRatio = 1.0;
    private int warmupPairs = DEFAULT_WARMUP_PAIRS;

    /**
     * Warm-up pairs by default. One 18 s pair did not warm a freshly started broker: at stop 29 the first measured
     * leg after it still paid for the broker's warm-up on Kafka (max rate) and Pulsar (many keys), see
     * docs/benchmarks.md.
     */
    public static final int DEFAULT_WARMUP_PAIRS = 2;

    public BenchRun(BrokerTarget target, Workload workload, int pairs, PrintStream out) {
        this(target, workload, pairs, out, Contrast.NATIVE_VS_OMNIBUS);
    }

    /** As above; {@code instrumented}: the Omnibus legs run with the OpenTelemetry and Micrometer observers. */
    public BenchRun(BrokerTarget target, Workload workload, int pairs, PrintStream out, boolean instrumented) {
        this(target, workload, pairs, out, instrumented ? Contrast.NATIVE_VS_INSTRUMENTED : Contrast.NATIVE_VS_OMNIBUS);
    }

    /** As above, with the legs of {@code contrast} in every pair. */
    public BenchRun(BrokerTarget target, Workload workload, int pairs, PrintStream out, Contrast contrast) {
        if (pairs < 1) throw new IllegalArgumentException("pairs must be at least 1, got " + pairs);
        this.target = target;
        this.workload = workload;
        this.pairs = pairs;
        this.out = out;
        this.contrast = contrast;
    }

    /** The fraction of traces the instrumented legs sample (default 1: every span). */
    public BenchRun sampleRatio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) throw new IllegalArgumentException("sample ratio must be in [0, 1], got " + ratio);
        this.sampleRatio = ratio;
        return this;
    }

    /**
     * How many unmeasured pairs run before the measured ones (0 to 10). They are numbered {@code 1 - n} to 0 in the
     * results, so {@link LegResult#warmup()} holds for every leg of them and measured pairs stay 1, 2, ….
     */
    public BenchRun warmupPairs(int n) {
        if (n < 0 || n > 10) throw new IllegalArgumentException("warm-up pairs must be from 0 to 10, got " + n);
        this.warmupPairs = n;
        return this;
    }

    private java.util.Set<String> observers = java.util.Set.of("opentelemetry", "micrometer");

    /** Which observation modules the instrumented legs run: {@code opentelemetry}, {@code micrometer} (default both). */
    public BenchRun observers(java.util.Set<String> which) {
        this.observers = java.util.Set.copyOf(which);
        return this;
    }

    public RunResult run() throws Exception {
        Instant started = Instant.now();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String description = target.describe();
        List<LegResult> legs = new ArrayList<>();
        LegRunner runner = new LegRunner(workload);
        int total = 2 * (pairs + warmupPairs);
        String nativeDescription = null, omnibusDescription = null;
        for (int pair = 1 - warmupPairs, leg = 1; pair <= pairs; pair++) {
            // Which client goes first alternates (last warm-up A then B, pair 1 B then A, …): the first leg after a
            // broker start or after the other client's leg was measurably slower on Pulsar (docs/benchmarks.md).
            List<String> order = Math.floorMod(pair, 2) == 0 ? List.of(contrast.baselineKind(), contrast.candidateKind())
                    : List.of(contrast.candidateKind(), contrast.baselineKind());
            for (String kind : order) {
                BenchClient client = client(kind);
                if (kind.equals(contrast.baselineKind())) nativeDescription = client.description(); else omnibusDescription = client.description();
                String topic = "bench-" + runId + "-" + leg + "-" + kind;
                String label = String.format(Locale.ROOT, "leg %d/%d %-12s %s", leg, total, kind,
                        pair <= 0 ? "warm-up " + (pair + warmupPairs) + "/" + warmupPairs : "pair " + pair);
                long legStart = System.nanoTime();
                LegResult result;
                try {
                    result = runner.run(client, topic, pair, p -> out.printf(Locale.ROOT,
                            "  %s  %-7s %3ds  sent %,d  confirmed %,d  received %,d%n", label, p.phase(),
                            (System.nanoTime() - legStart) / 1_000_000_000L, p.sent(), p.acked(), p.received()));
                } finally {
                    client.close();
                    target.afterLeg(topic);
                }
                legs.add(result);
                out.printf(Locale.ROOT, "%s: publish %,.0f msg/s, consume %,.0f msg/s, publish p99 %.3f ms, e2e p50 %.3f / p99 %.3f ms, alloc %s B/msg, CPU %s µs/msg%n",
                        label, result.publishRate(), result.consumeRate(), LegResult.percentileMs(result.publishLatency(), 99),
                        LegResult.percentileMs(result.endToEndLatency(), 50), LegResult.percentileMs(result.endToEndLatency(), 99),
                        ResultWriter.fmt(result.allocBytesPerMessage()), ResultWriter.fmt(result.cpuMicrosPerMessage()));
                leg++;
            }
        }
        return new RunResult(target.broker(), description, redact(target.url()), nativeDescription, omnibusDescription,
                workload, started, Instant.now(), List.copyOf(legs), Comparison.of(legs, contrast), contrast);
    }

    private BenchClient client(String kind) {
        return switch (kind) {
            case "native" -> target.nativeClient();
            case Contrast.NATIVE_ENVELOPE -> target.nativeEnvelopeClient();
            case Contrast.NATIVE_TRACED -> target.nativeTracedClient(sampleRatio);
            case "omnibus" -> target.omnibusClient(workload, false);
            case "instrumented" -> target.omnibusClient(workload, sampleRatio, observers);
            default -> throw new IllegalArgumentException("unknown leg kind " + kind);
        };
    }

    private static String redact(String url) {
        return url.replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@");
    }
}
