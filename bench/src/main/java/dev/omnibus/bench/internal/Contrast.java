package dev.omnibus.bench.internal;

/**
 * What the two legs of every pair are, and the targets of the comparison.
 *
 * @param baselineKind   {@link LegResult#kind()} of the baseline legs
 * @param candidateKind  {@link LegResult#kind()} of the candidate legs
 * @param baselineLabel  the baseline in tables ("native")
 * @param candidateLabel the candidate in tables ("Omnibus")
 * @param minRateRatio   publish and consume rate target: candidate / baseline at least this
 * @param p99Factor      p99 latency target: candidate at most {@code p99Factor × baseline + p99SlackMs}
 * @param p99SlackMs     see {@code p99Factor}
 */
public record Contrast(String baselineKind, String candidateKind, String baselineLabel, String candidateLabel,
                       double minRateRatio, double p99Factor, double p99SlackMs) {

    /** Native client against Omnibus: the default run (issue targets: rate ≥ 0.95, p99 ≤ 1.10 × + 0.5 ms). */
    public static final Contrast NATIVE_VS_OMNIBUS =
            new Contrast("native", "omnibus", "native", "Omnibus", 0.95, 1.10, 0.5);

    /** The leg kind of a native client that carries the CloudEvents envelope ({@code --envelope}). */
    public static final String NATIVE_ENVELOPE = "native-ce";

    /**
     * Native client writing and reading the CloudEvents headers itself against Omnibus ({@code --envelope}): what
     * the abstraction costs once both sides carry the same envelope (same targets as the default run).
     */
    public static final Contrast NATIVE_ENVELOPE_VS_OMNIBUS =
            new Contrast(NATIVE_ENVELOPE, "omnibus", "native with CloudEvents headers", "Omnibus", 0.95, 1.10, 0.5);

    /** The leg kind of a native client traced by OpenTelemetry's own instrumentation of that client ({@code --traced-native}). */
    public static final String NATIVE_TRACED = "native-traced";

    /**
     * The native client against the same client wrapped by OpenTelemetry's own instrumentation library, on the SDK
     * set-up of the instrumented Omnibus legs ({@code --traced-native}): what tracing costs a plain client, the
     * reference for {@link #OBSERVATION_OVERHEAD} (same targets).
     */
    public static final Contrast NATIVE_VS_NATIVE_TRACED =
            new Contrast("native", NATIVE_TRACED, "native", "native traced by OpenTelemetry's instrumentation", 0.97, 1.05, 0.0);

    /** Native client against instrumented Omnibus ({@code --instrumented}). */
    public static final Contrast NATIVE_VS_INSTRUMENTED =
            new Contrast("native", "instrumented", "native", "instrumented Omnibus", 0.95, 1.10, 0.5);

    /**
     * Plain Omnibus against Omnibus with both observation modules ({@code --overhead}): the cost of
     * observation, interleaved like every other comparison (targets: rate ≥ 0.97, p99 ≤ 1.05 ×).
     */
    public static final Contrast OBSERVATION_OVERHEAD =
            new Contrast("omnibus", "instrumented", "plain Omnibus", "instrumented", 0.97, 1.05, 0.0);

    /** The rate target as written in reports. */
    String rateTarget() { return "ratio >= " + minRateRatio; }

    /** The p99 target as written in reports. */
    String p99Target() {
        return "<= " + String.format(java.util.Locale.ROOT, "%.2f", p99Factor) + " x " + baselineKind
                + (p99SlackMs > 0 ? " + " + p99SlackMs + " ms" : "");
    }
}
