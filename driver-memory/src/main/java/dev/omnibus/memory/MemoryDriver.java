package dev.omnibus.memory;

import dev.omnibus.memory.internal.MemoryBroker;
import dev.omnibus.memory.internal.MemoryTransport;
import dev.omnibus.Capability;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;

import java.util.List;

/**
 * The in-process broker, scheme {@code memory}: {@code memory://name}. Every connection to the same
 * name in one JVM shares one broker (topics, groups, retained log), so a test can run producers and
 * several consumers against it. Nothing survives the JVM.
 *
 * <p>Options: {@code maxMessageBytes} (default 8388608) — larger publishes fail with
 * {@link dev.omnibus.MessageTooLargeException}; {@code perKeyOrdering} (default true) — false makes
 * the broker deliver a group's messages without key order and stop declaring
 * {@link dev.omnibus.Capability#PER_KEY_ORDERING} (to see how an application or the kit copes with a
 * broker that lacks it); {@code retainMessages} (default 100000, at least 0) — each topic keeps its
 * last N records plus every record a group has not completed, and drops older ones (so a new group
 * starting from EARLIEST sees the last N); fixed when the named broker is first created. The retained
 * records live on the application's heap: at hundreds of thousands of 1 KiB messages a second the
 * default keeps a window of some hundred MB that each young collection copies (more than half a
 * core in {@code ./omnibus bench}), so a process that does not need replay sets it low (e.g. 1000).
 *
 * <p>Delays: {@link dev.omnibus.Capability#SCHEDULED_DELIVERY}, {@link dev.omnibus.Capability#DELAYED_REDELIVERY}
 * and (with {@code perKeyOrdering}) {@link dev.omnibus.Capability#ORDERED_DELAYED_REDELIVERY}, up to 365 days
 * ahead, on one scheduler thread; held in memory for the life of the broker (the JVM), like every message.
 */
public final class MemoryDriver implements MessagingDriver {
    private static final List<CapabilityOffer> OFFERS = List.of(
            CapabilityOffer.byDefault(Capability.CONSUMER_GROUPS),
            CapabilityOffer.byDefault(Capability.PER_KEY_ORDERING, "perKeyOrdering", "true"),
            CapabilityOffer.byDefault(Capability.REPLAY),
            CapabilityOffer.byDefault(Capability.REQUEST_REPLY),
            CapabilityOffer.byDefault(Capability.ADMIN),
            CapabilityOffer.byDefault(Capability.LAG),
            CapabilityOffer.byDefault(Capability.SCHEDULED_DELIVERY),
            CapabilityOffer.byDefault(Capability.DELAYED_REDELIVERY),
            CapabilityOffer.byDefault(Capability.ORDERED_DELAYED_REDELIVERY, "perKeyOrdering", "true"));

    @Override public String scheme() { return "memory"; }

    @Override public List<CapabilityOffer> offers() { return OFFERS; }

    /** Reads every option; the result creates or joins the named broker. */
    @Override
    public PendingConnection configure(DriverConfig config) {
        String name = config.authority().isEmpty() ? "default" : config.authority();
        long maxBytes = config.longOption("maxMessageBytes", 8L * 1024 * 1024, 1, Integer.MAX_VALUE);
        boolean perKeyOrdering = config.booleanOption("perKeyOrdering", true);
        Long retain = config.option("retainMessages").isPresent()
                ? config.longOption("retainMessages", MemoryBroker.DEFAULT_RETAIN_MESSAGES, 0, Integer.MAX_VALUE) : null;
        return () -> new MemoryTransport(MemoryBroker.named(name, retain), maxBytes, perKeyOrdering);
    }

    @Override
    public Transport connect(DriverConfig config) {
        return configure(config).connect();
    }
}
