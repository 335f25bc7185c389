package dev.omnibus.spi;

import dev.omnibus.Ordering;
import dev.omnibus.RedeliverySchedule;
import dev.omnibus.StartFrom;

/**
 * What the core asks of a transport subscription.
 *
 * @param group       consumer group, or {@code null} for a group-less subscription that sees every message
 * @param startFrom   where a new group starts (an existing group resumes where it was)
 * @param ordering    PER_KEY: hand one key's messages in publish order
 * @param maxInFlight most inbounds handed to the sink and not yet settled
 * @param concurrency how many workers the core will run (a hint for sizing)
 * @param deadLetterTopic the topic the core dead-letters this subscription's failures to, or {@code null}
 *                    when it does not dead-letter; a broker-side safety net (e.g. a delivery limit) must
 *                    forward there and nowhere else, and must not create anything when it is {@code null}
 * @param redelivery  the subscription's delayed-redelivery schedule, or {@code null} when the core will never call
 *                    {@link Inbound#redeliverAfter} for it; a transport that needs to prepare (a delay topic to
 *                    consume, retry enabled on the native consumer, TTL queues per delay tier) does it in
 *                    {@link Transport#receive}, where {@link RedeliverySchedule#delays()} lists every delay it will see
 */
public record ReceiveOptions(String group, StartFrom startFrom, Ordering ordering, int maxInFlight, int concurrency,
                             String deadLetterTopic, RedeliverySchedule redelivery) {

    /** Without a redelivery schedule. */
    public ReceiveOptions(String group, StartFrom startFrom, Ordering ordering, int maxInFlight, int concurrency,
                          String deadLetterTopic) {
        this(group, startFrom, ordering, maxInFlight, concurrency, deadLetterTopic, null);
    }

    public static Builder builder() { return new Builder(); }

    /** Builder with defaults: no group, LATEST, PER_KEY, 256 in flight, concurrency 1, no dead-letter topic. */
    public static final class Builder {
        private String group;
        private StartFrom startFrom = StartFrom.LATEST;
        private Ordering ordering = Ordering.PER_KEY;
        private int maxInFlight = 256;
        private int concurrency = 1;
        private String deadLetterTopic;
        private RedeliverySchedule redelivery;

        public Builder group(String group) { this.group = group; return this; }
        public Builder startFrom(StartFrom startFrom) { this.startFrom = startFrom; return this; }
        public Builder ordering(Ordering ordering) { this.ordering = ordering; return this; }
        public Builder maxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; return this; }
        public Builder concurrency(int concurrency) { this.concurrency = concurrency; return this; }
        public Builder deadLetterTopic(String deadLetterTopic) { this.deadLetterTopic = deadLetterTopic; return this; }
        public Builder redelivery(RedeliverySchedule redelivery) { this.redelivery = redelivery; return this; }
        public ReceiveOptions build() {
            return new ReceiveOptions(group, startFrom, ordering, maxInFlight, concurrency, deadLetterTopic, redelivery);
        }
    }
}
