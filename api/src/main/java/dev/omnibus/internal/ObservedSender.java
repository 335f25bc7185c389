package dev.omnibus.internal;

import dev.omnibus.Delivery;
import dev.omnibus.Lineage;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishKind;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.spi.Transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Every publish of an instance goes through here: lineage from the delivery handled on this thread,
 * then the observers (who may add trace context), then the transport. Without observers and outside a
 * handler it is a plain {@code transport.send}.
 */
final class ObservedSender {
    /** The delivery whose handler runs on this thread, for lineage and observers. */
    private static final ThreadLocal<Delivery> CURRENT = new ThreadLocal<>();

    private final Transport transport;
    private final Observers observers;      // null: nothing observes
    private volatile ObservedClient client;

    ObservedSender(Transport transport, Observers observers) {
        this.transport = transport;
        this.observers = observers;
    }

    void client(ObservedClient client) { this.client = client; }

    ObservedClient client() { return client; }

    Observers observers() { return observers; }

    /** Runs {@code handler} with {@code delivery} as the current one on this thread. */

    static void enter(Delivery delivery) { CURRENT.set(delivery); }

    static void exit() { CURRENT.set(null); } // not remove(): a worker's next attempt reuses the thread-local entry

    /** The delivery handled on this thread, or {@code null}. */
    static Delivery current() { return CURRENT.get(); }

    CompletableFuture<PublishReceipt> send(String topic, Message message, PublishKind kind, Delivery cause) {
        return send(topic, message, kind, cause, false);
    }

    /** As {@link #send}, through {@link Transport#sendReply} for replies. */
    CompletableFuture<PublishReceipt> send(String topic, Message message, PublishKind kind, Delivery cause, boolean reply) {
        return send(topic, message, kind, cause, reply, null);
    }

    /** As {@link #send}; a non-null {@code due} goes through {@link Transport#sendAt} (scheduled delivery). */
    CompletableFuture<PublishReceipt> send(String topic, Message message, PublishKind kind, Delivery cause, boolean reply,
                                           java.time.Instant due) {
        Delivery handled = cause != null ? cause : CURRENT.get();
        if (handled != null && (kind == PublishKind.PUBLISH || kind == PublishKind.REQUEST || kind == PublishKind.REPLY)) {
            message = Lineage.inherit(message, handled.message());
        }
        if (observers == null) return transmit(topic, message, reply, due);
        PublishObservation o = observers.publish(new PublishContext(client, topic, message, kind, handled));
        message = message.withExtensions(o.extensions());
        CompletableFuture<PublishReceipt> f;
        try {
            f = transmit(topic, message, reply, due);
        } catch (RuntimeException e) {
            o.failed(e);
            throw e;
        }
        f.whenComplete((receipt, error) -> {
            if (error == null) o.completed(receipt); else o.failed(error);
        });
        return f;
    }

    private CompletableFuture<PublishReceipt> transmit(String topic, Message message, boolean reply, java.time.Instant due) {
        if (due != null) return transport.sendAt(topic, message, due);
        return reply ? transport.sendReply(topic, message) : transport.send(topic, message);
    }
}
