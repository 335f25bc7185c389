package dev.omnibus.nats.internal;

import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import java.util.function.Consumer;

/**
 * Replies over core NATS: one subscription on a unique inbox subject ({@code _INBOX.<nuid>}) per transport;
 * responders publish replies there with a plain core publish. Nothing is stored: a reply whose requester is
 * gone is dropped, as core NATS request/reply does (the requester times out). Ack and nack do nothing.
 */
final class CoreReplyInbox implements TransportSubscription {
    private final Connection connection;
    private final Dispatcher dispatcher;
    private final String address;
    private volatile boolean stopped;

    CoreReplyInbox(Connection connection, Consumer<Inbound> sink) {
        this.connection = connection;
        this.address = connection.createInbox();
        this.dispatcher = connection.createDispatcher(msg -> {
            if (!stopped) sink.accept(new Reply(msg));
        });
        dispatcher.subscribe(address);
    }

    String address() { return address; }

    @Override public void stopReceiving() { stopped = true; }

    @Override
    public void close() {
        stopped = true;
        try {
            connection.closeDispatcher(dispatcher);
        } catch (RuntimeException ignored) {
            // connection already closed
        }
    }

    /** A reply received on the inbox. */
    private record Reply(io.nats.client.Message msg) implements Inbound {
        @Override public Message message() {
            return CloudEventsNats.decode(msg.getSubject(), msg.getHeaders(), msg.getData(), "core NATS reply");
        }
        @Override public String key() { return CloudEventsNats.key(msg.getHeaders()); }
        @Override public Position position() { return new Position(msg.getSubject(), "core"); }
        @Override public int deliveryCount() { return 1; }
        @Override public void ack() { }
        @Override public void nack() { }
    }
}
