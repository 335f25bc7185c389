package dev.omnibus.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Time-sortable unique ids: RFC 9562 UUIDv7 (48-bit Unix milliseconds, then a 12-bit counter that keeps
 * ids generated in the same millisecond strictly increasing inside this JVM, then 62 random bits).
 *
 * <p>The random bits come from a per-thread {@link SplittableRandom} seeded once from {@link SecureRandom}:
 * a {@code SecureRandom} call per id cost about half a microsecond and a lock (every message gets an id),
 * while message ids need uniqueness, not unguessability. Two threads or JVMs start from independent
 * secure seeds, so their 62-bit streams collide no more often than random values do.
 */
public final class Ids {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<SplittableRandom> RANDOM = ThreadLocal.withInitial(Ids::seeded);
    private static long lastMillis;
    private static int counter;

    private Ids() {}

    private static SplittableRandom seeded() {
        synchronized (SEEDS) {
            return new SplittableRandom(SEEDS.nextLong());
        }
    }

    /** A new UUIDv7 in canonical text form; lexicographic order follows creation order within a JVM. */
    public static String newId() { return newUuid().toString(); }

    public static UUID newUuid() {
        long millis;
        int seq;
        synchronized (Ids.class) {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                counter = RANDOM.get().nextInt(1 << 10); // random start leaves room to count up
            } else if (++counter >= (1 << 12)) { // counter exhausted (or clock went back): borrow the next ms
                lastMillis++;
                counter = 0;
            }
            millis = lastMillis;
            seq = counter;
        }
        long msb = (millis << 16) | (0x7L << 12) | (seq & 0xFFF);
        long lsb = (RANDOM.get().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
