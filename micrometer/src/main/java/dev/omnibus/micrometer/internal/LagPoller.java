package dev.omnibus.micrometer.internal;

import dev.omnibus.Capability;
import dev.omnibus.ConsumerLag;
import dev.omnibus.Health;
import dev.omnibus.SubscriptionHealth;
import dev.omnibus.observation.ObservedClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.omnibus.micrometer.MeterNames.*;

/**
 * Refreshes the lag and in-flight gauges of one instance on its own daemon thread: every interval it
 * asks {@code health()} for the open subscriptions and {@code lag(topic, group)} for each grouped one
 * (when the driver declares {@link Capability#LAG}). A failing broker call or registry is logged once
 * per kind and the next round tries again; gauges of subscriptions that closed are removed. A composite
 * registry without registries (Micrometer's global one before anything is added) is not polled for.
 */
final class LagPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagPoller.class);
    private final MeterRegistry registry;
    private final ObservedClient client;
    private final Duration interval;
    private final Map<String, Tracked> gauges = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;

    LagPoller(MeterRegistry registry, ObservedClient client, Duration interval) {
        this.registry = registry;
        this.client = client;
        this.interval = interval;
    }

    synchronized void start() {
        if (executor != null) return;
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibus-metrics-lag-" + client.system());
            t.setDaemon(true);
            return t;
        });
        task = executor.scheduleWithFixedDelay(this::pollSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException | LinkageError e) { // never let the schedule die
            if (reported.add("poll " + e.getClass().getName())) {
                log.warn("Polling lag of {} failed (reported once, retried every {}): {}", client.broker(), interval, e.toString());
            }
        }
    }

    void poll() {
        if (registry instanceof CompositeMeterRegistry c && c.getRegistries().isEmpty()) {
            return; // e.g. the global registry with nothing added to it: no broker round trips for nobody
        }
        Health health = client.messaging().health();
        boolean lag = client.messaging().capabilities().contains(Capability.LAG);
        Set<String> seen = new HashSet<>();
        for (SubscriptionHealth s : health.subscriptions()) {
            if (s.state() == SubscriptionHealth.State.STOPPED) continue;
            String group = s.group() == null ? "" : s.group();
            set(seen, IN_FLIGHT, "Deliveries received and not yet settled", s.topic(), group, null, s.inFlight());
            if (!lag || s.group() == null) continue;
            try {
                ConsumerLag l = client.messaging().lag(s.topic(), s.group());
                set(seen, LAG, "Messages published and not yet completed by the group", s.topic(), group, null, l.total());
                for (Map.Entry<String, Long> p : l.byPartition().entrySet()) {
                    set(seen, PARTITION_LAG, "Consumer lag per partition", s.topic(), group, p.getKey(), p.getValue());
                }
            } catch (RuntimeException e) {
                if (reported.add("lag " + s.topic() + " " + group)) {
                    log.warn("Lag of group {} on {} unavailable (reported once): {}", group, s.topic(), e.toString());
                }
            }
        }
        for (String key : Set.copyOf(gauges.keySet())) {
            if (!seen.contains(key)) registry.remove(gauges.remove(key).id());
        }
    }

    private void set(Set<String> seen, String name, String description, String topic, String group, String partition, long value) {
        String key = name + '\u0000' + topic + '\u0000' + group + '\u0000' + partition;
        seen.add(key);
        Tracked t = gauges.get(key);
        if (t != null) {
            t.value().set(value);
            return;
        }
        AtomicLong holder = new AtomicLong(value);
        Gauge.Builder<AtomicLong> b = Gauge.builder(name, holder, AtomicLong::get).description(description).strongReference(true)
                .tags(SYSTEM, client.system(), DESTINATION, topic, GROUP, group);
        if (partition != null) b.tag(PARTITION, partition);
        gauges.put(key, new Tracked(holder, b.register(registry).getId()));
    }

    /** A registered gauge and the value it reads. */
    private record Tracked(AtomicLong value, Meter.Id id) {}

    @Override
    public synchronized void close() {
        if (task != null) task.cancel(false);
        if (executor != null) executor.shutdownNow();
        for (Tracked t : gauges.values()) registry.remove(t.id());
        gauges.clear();
    }
}
