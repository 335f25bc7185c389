package dev.omnibus.samples.redis.internal;

import java.time.Duration;

/**
 * The driver's configuration, parsed and validated by {@link dev.omnibus.samples.redis.RedisDriver}.
 * {@link #toString()} hides the password.
 *
 * @param keyPrefix       prepended to every Redis key (streams, group leases)
 * @param maxMessageBytes largest encoded entry accepted by {@code send}
 * @param maxLength       approximate stream length kept on publish ({@code XADD MAXLEN ~}); 0 = unbounded
 * @param leaseTime       how long a group's reader holds the group without renewing it
 */
public record RedisSettings(String host, int port, int database, String user, String password, String keyPrefix,
                            long maxMessageBytes, long maxLength, Duration leaseTime) {

    /** The Redis key of a topic's stream. Topic names never contain ':', so these keys cannot collide. */
    public String streamKey(String topic) { return keyPrefix + topic; }

    /** The Redis key naming the active reader of a group (see {@link StreamSubscription}). */
    public String leaseKey(String topic, String group) { return keyPrefix + topic + ":lease:" + group; }

    @Override
    public String toString() {
        return "RedisSettings{" + host + ":" + port + "/" + database + ", user=" + user
                + ", password=" + (password == null ? "none" : "****") + ", keyPrefix=" + keyPrefix
                + ", maxMessageBytes=" + maxMessageBytes + ", maxLength=" + maxLength + ", leaseTime=" + leaseTime + "}";
    }
}
