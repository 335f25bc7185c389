package dev.omnibus.bench.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The native RabbitMQ side with amqp-client, set up as the Omnibus RabbitMQ driver runs with
 * {@code shards=1} (which the Omnibus side of the comparison is given): a durable topic exchange per
 * topic, one durable quorum queue per group with single active consumer bound with {@code #},
 * persistent messages on a confirm-mode channel per producer with asynchronous confirms (the textbook
 * sorted map of outstanding sequence numbers), one manual-ack consumer with
 * {@code basicQos(maxInFlight)}. The routing key carries the message key. Plain: no CloudEvents headers. With
 * {@code envelope}: each message carries the CloudEvents AMQP headers and properties written by hand
 * ({@link CloudEventsHeaders#amqp(String)}) and the consumer reads them all (leg kind {@code native-ce}).
 */
final class RabbitMqNativeClient implements BenchClient {
    private final String url;
    private final boolean envelope;
    /** Characters of the headers read (envelope only): keeps the reading from being optimised away. */
    volatile long headerChars;
    private final List<Connection> connections = new ArrayList<>();
    private final List<KeyedWorkers> workers = new ArrayList<>();

    RabbitMqNativeClient(String url) { this(url, false); }

    RabbitMqNativeClient(String url, boolean envelope) {
        this.url = url;
        this.envelope = envelope;
    }

    @Override public String kind() { return envelope ? Contrast.NATIVE_ENVELOPE : "native"; }

    @Override public String description() {
        return "amqp-client: confirm-mode channel + async ConfirmListener, quorum queue, basicConsume manual ack, basicQos"
                + (envelope ? ", CloudEvents headers by hand" : "");
    }

    private synchronized Connection connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        URI u = URI.create(url);
        f.setHost(u.getHost());
        f.setPort(u.getPort() < 0 ? 5672 : u.getPort());
        if (u.getUserInfo() != null) {
            String[] up = u.getUserInfo().split(":", 2);
            f.setUsername(up[0]);
            if (up.length > 1) f.setPassword(up[1]);
        }
        String vhost = u.getPath() == null || u.getPath().length() <= 1 ? "/"
                : java.net.URLDecoder.decode(u.getPath().substring(1), StandardCharsets.UTF_8);
        f.setVirtualHost(vhost);
        Connection c = f.newConnection("omnibus-bench-native");
        connections.add(c);
        return c;
    }

    /** Exchange, plus the group queue so that nothing published before the consumer starts is lost. */
    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        Connection c = connect();
        try (Channel ch = c.createChannel()) {
            ch.exchangeDeclare(topic, BuiltinExchangeType.TOPIC, true);
            String queue = queueName(topic, LegRunner.groupFor(topic));
            ch.queueDeclare(queue, true, false, false,
                    Map.of("x-queue-type", "quorum", "x-single-active-consumer", true, "x-delivery-limit", 50));
            ch.queueBind(queue, topic, "#");
        }
    }

    private static String queueName(String topic, String group) { return topic + "|" + group + "|native"; }

    @Override
    public Publisher publisher(String topic) throws Exception {
        Channel ch = connect().createChannel();
        ch.confirmSelect();
        ConcurrentNavigableMap<Long, Ack> outstanding = new ConcurrentSkipListMap<>();
        ch.addConfirmListener((tag, multiple) -> settle(outstanding, tag, multiple, null),
                (tag, multiple) -> settle(outstanding, tag, multiple, new IOException("broker nacked publish " + tag)));
        AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2)
                .contentType("application/octet-stream").build();
        return new Publisher() {
            @Override
            public void send(String key, byte[] payload, Ack ack) {
                try {
                    synchronized (ch) {
                        outstanding.put(ch.getNextPublishSeqNo(), ack);
                        ch.basicPublish(topic, key == null ? "" : key, envelope ? CloudEventsHeaders.amqp(key) : persistent, payload);
                    }
                } catch (IOException e) {
                    ack.done(e);
                }
            }

            @Override public void close() {}
        };
    }

    private static void settle(ConcurrentNavigableMap<Long, Ack> outstanding, long tag, boolean multiple, Throwable error) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Ack> done = outstanding.headMap(tag, true);
            done.values().forEach(a -> a.done(error));
            done.clear();
        } else {
            Ack a = outstanding.remove(tag);
            if (a != null) a.done(error);
        }
    }

    @Override
    public AutoCloseable subscribe(String topic, String group, int concurrency, int maxInFlight, Sink sink) throws Exception {
        Channel ch = connect().createChannel();
        ch.basicQos(maxInFlight);
        KeyedWorkers pool = concurrency > 1 ? new KeyedWorkers(concurrency, "bench-rabbitmq-worker") : null;
        if (pool != null) synchronized (this) { workers.add(pool); }
        String tag = ch.basicConsume(queueName(topic, group), false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                long deliveryTag = envelope.getDeliveryTag();
                String key = envelope.getRoutingKey();
                if (RabbitMqNativeClient.this.envelope) headerChars += CloudEventsHeaders.read(properties);
                Runnable handle = () -> {
                    sink.received(key, ByteBuffer.wrap(body).getLong(0));
                    try {
                        ch.basicAck(deliveryTag, false);
                    } catch (IOException e) {
                        // channel closing at the end of the leg
                    }
                };
                if (pool == null) handle.run(); else pool.submit(key, handle);
            }
        });
        return () -> {
            try {
                ch.basicCancel(tag);
            } finally {
                if (pool != null) pool.close();
                ch.close();
            }
        };
    }

    @Override
    public synchronized void close() {
        for (KeyedWorkers w : workers) w.close();
        for (Connection c : connections) {
            try {
                c.close(5_000);
            } catch (Exception ignored) {
                // end of leg
            }
        }
        connections.clear();
        workers.clear();
    }
}
