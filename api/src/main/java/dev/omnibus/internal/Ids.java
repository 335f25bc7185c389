package dev.omnibus.internal;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-sortable unique ids: RFC 9562 UUIDv7 (48-bit Unix milliseconds, then a 12-bit counter that keeps
 * ids generated in the same millisecond strictly increasing inside this JVM, then 62 random bits).
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static int counter;

    private Ids() {}

    /** A new UUIDv7 in canonical text form; lexicographic order follows creation order within a JVM. */
    public static String newId() { return newUuid().toString(); }

    public static UUID newUuid() {
        long millis;
        int seq;
        synchronized (Ids.class) {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                counter = RANDOM.nextInt(1 << 10); // random start leaves room to count up
            } else if (++counter >= (1 << 12)) { // counter exhausted (or clock went back): borrow the next ms
                lastMillis++;
                counter = 0;
            }
            millis = lastMillis;
            seq = counter;
        }
        long msb = (millis << 16) | (0x7L << 12) | (seq & 0xFFF);
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
