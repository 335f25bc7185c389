package dev.omnibus.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The one precision of every timestamp Omnibus writes into a message ({@code time}, {@code dlqfirstfailure},
 * {@code dlqlastfailure}): microseconds, so that every broker, the CloudEvents SDKs and databases with
 * microsecond columns carry it unchanged.
 */
public final class Timestamps {
    private Timestamps() {}

    /** Now, truncated to microseconds. */
    public static Instant now() { return Instant.now().truncatedTo(ChronoUnit.MICROS); }
}
