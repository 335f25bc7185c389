package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.TransportSubscription;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * RabbitMQ direct reply-to: one channel consumes the pseudo queue {@code amq.rabbitmq.reply-to} (auto-ack,
 * as the broker requires), and requests carrying this inbox's address are published on that same channel
 * with {@code reply_to = amq.rabbitmq.reply-to}; the broker rewrites it into the real reply address, which
 * the responder's driver copies into the {@code replyto} extension. No queue is declared per requester.
 */
final class DirectReplyInbox implements TransportSubscription {
    private final ConfirmingPublisher publisher;
    private volatile boolean stopped;

    DirectReplyInbox(ConfirmingPublisher publisher, Consumer<Inbound> sink) throws IOException {
        this.publisher = publisher;
        Channel channel = publisher.channel();
        channel.basicConsume(CloudEventsAmqp.DIRECT_REPLY_TO, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                if (!stopped) sink.accept(new Reply(envelope, properties, body));
            }
        });
    }

    /** The publisher whose channel consumes the replies: requests must go out through it. */
    ConfirmingPublisher publisher() { return publisher; }

    @Override public void stopReceiving() { stopped = true; }

    @Override
    public void close() {
        stopped = true;
        publisher.close();
    }

    /** A reply: auto-acknowledged by the broker, so ack and nack do nothing. */
    private record Reply(Envelope envelope, AMQP.BasicProperties properties, byte[] body) implements Inbound {
        @Override public Message message() { return CloudEventsAmqp.decode(properties, body); }
        @Override public String key() { return CloudEventsAmqp.key(properties); }
        @Override public Position position() { return Position.of(CloudEventsAmqp.DIRECT_REPLY_TO, envelope.getDeliveryTag()); }
        @Override public int deliveryCount() { return 1; }
        @Override public void ack() { }
        @Override public void nack() { }
    }
}
