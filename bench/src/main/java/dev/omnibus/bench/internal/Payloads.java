package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark payloads: {@link Workload#messageSize()} bytes whose first 16 carry the send time
 * ({@link System#nanoTime()} then epoch microseconds), the rest random filler fixed per producer.
 * End-to-end latency = receive nanoTime − embedded nanoTime (one JVM, so the clocks agree).
 */
public final class Payloads {
    private final byte[] filler;

    public Payloads(int messageSize) {
        if (messageSize < Workload.HEADER_BYTES) {
            throw new IllegalArgumentException("messageSize " + messageSize + " < " + Workload.HEADER_BYTES);
        }
        filler = new byte[messageSize];
        ThreadLocalRandom.current().nextBytes(filler);
    }

    /** A new payload stamped with {@code sendNanos}. */
    public byte[] next(long sendNanos) {
        byte[] p = filler.clone();
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putLong(0, sendNanos);
        b.putLong(8, System.currentTimeMillis() * 1000L);
        return p;
    }

    /** The send nanoTime embedded in {@code payload}. */
    public static long sendNanos(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong(0);
    }
}
