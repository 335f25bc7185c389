package dev.omnibus.idempotency;

import dev.omnibus.ConfigurationException;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded, in-process {@link IdempotencyStore}: completed ids are remembered for {@code ttl}, at most
 * {@code maxEntries} of them (the oldest are forgotten first), and an in-progress claim expires after
 * {@code claimTimeout} so a stuck handler cannot block a message forever. It forgets on restart and is
 * not shared across processes: use the JDBC store for that.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(boolean done, long expiresAtMillis) {}

    private final int maxEntries;
    private final long ttlMillis;
    private final long claimTimeoutMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /** 100 000 entries, 1 hour TTL, 5 minute claim timeout. */
    public InMemoryIdempotencyStore() { this(100_000, Duration.ofHours(1)); }

    public InMemoryIdempotencyStore(int maxEntries, Duration ttl) { this(maxEntries, ttl, Duration.ofMinutes(5), Clock.systemUTC()); }

    public InMemoryIdempotencyStore(int maxEntries, Duration ttl, Duration claimTimeout, Clock clock) {
        if (maxEntries < 1) throw new ConfigurationException("idempotency.maxEntries", maxEntries, "an integer >= 1");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) throw new ConfigurationException("idempotency.ttl", ttl, "a positive duration");
        if (claimTimeout == null || claimTimeout.isNegative() || claimTimeout.isZero()) {
            throw new ConfigurationException("idempotency.claimTimeout", claimTimeout, "a positive duration");
        }
        this.maxEntries = maxEntries;
        this.ttlMillis = ttl.toMillis();
        this.claimTimeoutMillis = claimTimeout.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized Claim claim(String group, String messageId) {
        long now = clock.millis();
        String k = key(group, messageId);
        Entry e = entries.get(k);
        if (e != null && e.expiresAtMillis > now) return e.done ? Claim.ALREADY_DONE : Claim.IN_PROGRESS;
        entries.remove(k);
        entries.put(k, new Entry(false, now + claimTimeoutMillis));
        evict(now);
        return Claim.CLAIMED;
    }

    @Override
    public synchronized void complete(String group, String messageId) {
        String k = key(group, messageId);
        entries.remove(k); // re-insert so insertion order follows completion time
        entries.put(k, new Entry(true, clock.millis() + ttlMillis));
        evict(clock.millis());
    }

    @Override
    public synchronized void release(String group, String messageId) {
        String k = key(group, messageId);
        Entry e = entries.get(k);
        if (e != null && !e.done) entries.remove(k);
    }

    /** Number of remembered entries (claims and completions). */
    public synchronized int size() { return entries.size(); }

    private void evict(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry> e = it.next();
            if (entries.size() > maxEntries || e.getValue().expiresAtMillis <= now) it.remove();
            else break; // oldest first: once one is live and we are within bounds, stop
        }
    }

    private static String key(String group, String messageId) { return (group == null ? "" : group) + '\u0000' + messageId; }
}
