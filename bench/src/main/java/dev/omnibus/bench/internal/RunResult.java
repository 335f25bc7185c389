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
 * @param omnibusClient      what the Omnibus legs ran
 */
public record RunResult(String broker, String brokerDescription, String url, String nativeClient, String omnibusClient,
                        Workload workload, Instant startedAt, Instant finishedAt, List<LegResult> legs,
                        List<Comparison.Row> comparison) {}
