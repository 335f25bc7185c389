package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;

import java.time.Instant;
import java.util.List;

/**
 * A complete run: what ran where, every leg (warm-up pair included) and the comparison.
 *
 * @param broker             {@code kafka}, {@code pulsar}, {@code rabbitmq} or {@code memory}
 * @param brokerDescription  what the Omnibus driver reported about the broker
 * @param url                the broker URL (without credentials)
 * @param nativeClient       what the native legs ran
 * @param omnibusClient      what the Omnibus legs ran (the candidate legs: see {@code contrast})
 * @param contrast           what the two legs of each pair are
 */
public record RunResult(String broker, String brokerDescription, String url, String nativeClient, String omnibusClient,
                        Workload workload, Instant startedAt, Instant finishedAt, List<LegResult> legs,
                        List<Comparison.Row> comparison, Contrast contrast) {

    /** A native-against-Omnibus run. */
    public RunResult(String broker, String brokerDescription, String url, String nativeClient, String omnibusClient,
                     Workload workload, Instant startedAt, Instant finishedAt, List<LegResult> legs,
                     List<Comparison.Row> comparison) {
        this(broker, brokerDescription, url, nativeClient, omnibusClient, workload, startedAt, finishedAt, legs, comparison,
                Contrast.NATIVE_VS_OMNIBUS);
    }
}
