package dev.omnibus.nats.internal;

import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One subscription on a JetStream pull consumer: a puller thread pulls at most
 * {@code maxInFlight - unsettled} messages at a time (so the broker, not this process, holds the backlog) and
 * hands each to the sink as it arrives, in delivery order. The puller is this subscription's alone and nothing
 * waits for it while it is in the sink (acks are publishes on the connection, {@link #close()} waits at most a
 * bounded time and not at all when called from the puller), so the core may run handlers on it.
 * {@link #stopReceiving()} stops pulling while acks still reach the broker; {@link #close()} gives every unsettled
 * message back with {@code -NAK} (in stream order, so the next member of the group gets them at once, not after
 * {@code ackWait}) and, for an ephemeral consumer, deletes it.
 * An ephemeral consumer lost in a server restart is re-created where it was ({@link #recoverEphemeralConsumer()}).
 */
final class PullReceiver implements TransportSubscription {
    private static final Logger log = LoggerFactory.getLogger(PullReceiver.class);
    private static final int MAX_BATCH = 256;
    private static final Duration FETCH_WAIT = Duration.ofMillis(500);

    /** How often an idle ephemeral subscription checks that its consumer still exists. */
    private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    /** JetStream API error code: consumer not found. */
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final JetStreamManagement management;
    private final String stream;
    private final Binder binder;
    private final boolean ephemeral;
    private volatile Bound bound;
    private long lastStreamSequence;
    private long lastCheck = System.nanoTime();
    private final Consumer<Inbound> sink;
    private final int maxInFlight;
    private final String description;
    private final Set<NatsInbound> unsettled = ConcurrentHashMap.newKeySet();
    private final Object room = new Object();
    private final Thread puller;
    private volatile boolean stopped;
    private volatile boolean closed;

    /** A bound pull subscription: its consumer, and the stream sequence after which the consumer started. */
    record Bound(JetStreamSubscription subscription, String consumer, long startAfter) {}

    /** Creates (or finds) the consumer and binds a pull subscription to it, delivering after {@code afterSequence}. */
    interface Binder {
        Bound bind(long afterSequence) throws IOException, JetStreamApiException;
    }

    PullReceiver(Binder binder, JetStreamManagement management, String stream, boolean ephemeral, Consumer<Inbound> sink,
                 int maxInFlight, String description) throws IOException, JetStreamApiException {
        this.binder = binder;
        this.bound = binder.bind(-1);
        this.management = management;
        this.stream = stream;
        this.ephemeral = ephemeral;
        this.sink = sink;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.description = description;
        this.puller = new Thread(this::pull, "omnibus-nats-pull-" + bound.consumer());
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
            int handedOn = 0;
            try {
                // iterate, not fetch: each message is handed on as it arrives, where fetch holds a batch back until
                // it is full or the wait is over (tens of milliseconds of latency at low rates)
                Iterator<io.nats.client.Message> pulled = bound.subscription().iterate(Math.min(free, MAX_BATCH), FETCH_WAIT);
                while (pulled.hasNext()) {
                    io.nats.client.Message m = pulled.next();
                    if (!m.isJetStream()) continue; // a status message that jnats passed through
                    handedOn++;
                    handOn(m);
                }
                if (handedOn == 0) recoverEphemeralConsumer();
            } catch (RuntimeException e) {
                if (stopped) return;
                log.debug("Pull on {} failed ({}); retrying", description, e.toString());
                recoverEphemeralConsumer();
                synchronized (room) {
                    try {
                        room.wait(250);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void handOn(io.nats.client.Message m) {
        NatsInbound inbound = new NatsInbound(this, m);
        lastStreamSequence = Math.max(lastStreamSequence, inbound.streamSequence());
        if (stopped) {
            nakQuietly(m); // pulled during stopReceiving(): give it back at once
            return;
        }
        unsettled.add(inbound);
        try {
            sink.accept(inbound);
        } catch (RuntimeException e) {
            log.error("Sink of {} threw on {}; the delivery stays unsettled until close", description, inbound, e);
        }
    }

    /**
     * An ephemeral consumer lives in the server's memory: after a server restart it is gone and pulls get
     * nothing. Every few seconds of idleness the puller checks, and re-creates it to deliver from the stream
     * sequence after the last one it handed out, so nothing stored meanwhile is skipped.
     */
    private void recoverEphemeralConsumer() {
        if (!ephemeral || System.nanoTime() - lastCheck < CHECK_EVERY_NANOS) return;
        lastCheck = System.nanoTime();
        Bound current = bound;
        try {
            management.getConsumerInfo(stream, current.consumer());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) return;
            try {
                Bound next = binder.bind(Math.max(lastStreamSequence, current.startAfter()));
                bound = next;
                log.info("Ephemeral consumer {} of {} was gone (server restarted?); re-created as {} from stream sequence {}",
                        current.consumer(), description, next.consumer(), Math.max(lastStreamSequence, current.startAfter()) + 1);
                try {
                    current.subscription().unsubscribe();
                } catch (RuntimeException ignored) {
                    // the old subscription is dead anyway
                }
            } catch (IOException | JetStreamApiException | RuntimeException again) {
                log.debug("Re-creating the ephemeral consumer of {} failed ({}); retrying", description, again.toString());
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Checking the ephemeral consumer of {}: {}", description, e.toString());
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
        if (Thread.currentThread() != puller) { // a handler on the puller closing its own subscription must not wait for itself
            try {
                puller.join(FETCH_WAIT.toMillis() * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closed = true;
        List<NatsInbound> giveBack = new ArrayList<>();
        for (NatsInbound i : unsettled) if (i.claim()) giveBack.add(i);
        giveBack.sort(Comparator.comparingLong(NatsInbound::streamSequence));
        for (NatsInbound i : giveBack) nakQuietly(i.nativeMessage());
        unsettled.clear();
        Bound b = bound;
        try {
            b.subscription().unsubscribe();
        } catch (RuntimeException e) {
            log.debug("Unsubscribing {}: {}", description, e.toString());
        }
        if (ephemeral) {
            try {
                management.deleteConsumer(stream, b.consumer());
            } catch (Exception e) {
                log.debug("Deleting ephemeral consumer {} of {}: {} (the server removes it when inactive)", b.consumer(), stream, e.toString());
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
