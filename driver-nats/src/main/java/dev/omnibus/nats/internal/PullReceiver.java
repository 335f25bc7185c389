package dev.omnibus.nats.internal;

import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One subscription on a JetStream pull consumer: a puller thread fetches at most
 * {@code maxInFlight - unsettled} messages at a time (so the broker, not this process, holds the backlog) and
 * hands them to the sink in delivery order. {@link #stopReceiving()} stops fetching while acks still reach the
 * broker; {@link #close()} gives every unsettled message back with {@code -NAK} (in stream order, so the next
 * member of the group gets them at once, not after {@code ackWait}) and, for an ephemeral consumer, deletes it.
 */
final class PullReceiver implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(PullReceiver.class);
    private static final int MAX_BATCH = 256;
    private static final Duration FETCH_WAIT = Duration.ofMillis(500);

    private final JetStreamSubscription subscription;
    private final JetStreamManagement management;
    private final String stream;
    private final String consumer;
    private final boolean ephemeral;
    private final Consumer<Inbound> sink;
    private final int maxInFlight;
    private final String description;
    private final Set<NatsInbound> unsettled = ConcurrentHashMap.newKeySet();
    private final Object room = new Object();
    private final Thread puller;
    private volatile boolean stopped;
    private volatile boolean closed;

    PullReceiver(JetStreamSubscription subscription, JetStreamManagement management, String stream, String consumer,
                 boolean ephemeral, Consumer<Inbound> sink, int maxInFlight, String description) {
        this.subscription = subscription;
        this.management = management;
        this.stream = stream;
        this.consumer = consumer;
        this.ephemeral = ephemeral;
        this.sink = sink;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.description = description;
        this.puller = new Thread(this::pull, "omnibus-nats-pull-" + consumer);
        this.puller.setDaemon(true);
    }

    void start() { puller.start(); }

    private void pull() {
        while (!stopped) {
            int free;
            synchronized (room) {
                free = maxInFlight - unsettled.size();
                if (free <= 0) {
                    try {
                        room.wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            List<io.nats.client.Message> batch;
            try {
                batch = subscription.fetch(Math.min(free, MAX_BATCH), FETCH_WAIT);
            } catch (RuntimeException e) {
                if (stopped) return;
                log.debug("Fetch on {} failed ({}); retrying", description, e.toString());
                synchronized (room) {
                    try {
                        room.wait(250);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                continue;
            }
            for (io.nats.client.Message m : batch) {
                if (!m.isJetStream()) continue; // a status message that jnats passed through
                NatsInbound inbound = new NatsInbound(this, m);
                if (stopped) {
                    nakQuietly(m); // fetched during stopReceiving(): give it back at once
                    continue;
                }
                unsettled.add(inbound);
                try {
                    sink.accept(inbound);
                } catch (RuntimeException e) {
                    log.error("Sink of {} threw on {}; the delivery stays unsettled until close", description, inbound, e);
                }
            }
        }
    }

    void settle(NatsInbound inbound, boolean ack) {
        try {
            if (ack) inbound.nativeMessage().ack();
            else inbound.nativeMessage().nak();
        } catch (RuntimeException e) {
            log.debug("Could not {} {} on {} ({}); the broker redelivers it after ackWait", ack ? "ack" : "nack", inbound,
                    description, e.toString());
        } finally {
            unsettled.remove(inbound);
            synchronized (room) { room.notifyAll(); }
        }
    }

    @Override
    public void stopReceiving() {
        stopped = true;
        synchronized (room) { room.notifyAll(); }
    }

    @Override
    public void close() {
        if (closed) return;
        stopReceiving();
        try {
            puller.join(FETCH_WAIT.toMillis() * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        List<NatsInbound> giveBack = new ArrayList<>();
        for (NatsInbound i : unsettled) if (i.claim()) giveBack.add(i);
        giveBack.sort(Comparator.comparingLong(NatsInbound::streamSequence));
        for (NatsInbound i : giveBack) nakQuietly(i.nativeMessage());
        unsettled.clear();
        try {
            subscription.unsubscribe();
        } catch (RuntimeException e) {
            log.debug("Unsubscribing {}: {}", description, e.toString());
        }
        if (ephemeral) {
            try {
                management.deleteConsumer(stream, consumer);
            } catch (Exception e) {
                log.debug("Deleting ephemeral consumer {} of {}: {} (the server removes it when inactive)", consumer, stream, e.toString());
            }
        }
    }

    private void nakQuietly(io.nats.client.Message m) {
        try {
            m.nak();
        } catch (RuntimeException e) {
            log.debug("Could not give back a message on {}: {}", description, e.toString());
        }
    }

    @Override public String toString() { return "PullReceiver{" + description + "}"; }
}
