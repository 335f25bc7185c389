package dev.omnibus.samples.redis.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.Capability;
import dev.omnibus.ClosedException;
import dev.omnibus.Message;
import dev.omnibus.MessageTooLargeException;
import dev.omnibus.Position;
import dev.omnibus.PublishException;
import dev.omnibus.PublishReceipt;
import dev.omnibus.StartFrom;
import dev.omnibus.spi.Completions;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A connection to one Redis server. Publishing is {@code XADD} on one publisher thread: Jedis calls
 * block and the SPI's {@code send} must not, and a single thread keeps the entries of the stream in
 * the order of the {@code send} calls (a pool of publishers would reorder a key's messages).
 * Acknowledgements and group management share a connection pool; each subscription reads on a
 * connection of its own ({@link StreamSubscription}).
 */
public final class RedisTransport implements Transport {
    /**
     * What the kit proves for this driver. PER_KEY_ORDERING holds because a group has one active
     * reader at a time ({@link StreamSubscription}). Not DURABLE: an XADD is acknowledged once it is
     * in the server's memory, and the machine's Redis keeps nothing on disk. Not DELAYED_REDELIVERY
     * nor BROKER_DEDUPLICATION: Redis 7 streams have neither.
     */
    private static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.CONSUMER_GROUPS,
            Capability.PER_KEY_ORDERING, Capability.REPLAY, Capability.REQUEST_REPLY);
    private static final int MAX_CONNECTIONS = 32;

    private final RedisSettings settings;
    private final JedisClientConfig clientConfig;
    private final JedisPool pool;
    private final Completions publisher;
    private final String brokerDescription;
    private final Set<StreamSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RedisTransport(RedisSettings settings, JedisClientConfig clientConfig, JedisPool pool, String version) {
        this.settings = settings;
        this.clientConfig = clientConfig;
        this.pool = pool;
        this.brokerDescription = "Redis " + version;
        // one XADD at a time, in order, and the receipt completed right there; from Completions, so that a callback
        // on a receipt that waits for another publish gets a second thread for that publish instead of waiting for itself
        this.publisher = new Completions("omnibus-redis-publish");
    }

    /** Connects and checks the server answers; {@link BrokerUnavailableException} otherwise. */
    public static RedisTransport connect(RedisSettings settings, String redactedUrl) {
        JedisClientConfig config = DefaultJedisClientConfig.builder().resp2().connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(5_000).database(settings.database()).user(settings.user())
                .password(settings.password()).clientName("omnibus").build();
        JedisPoolConfig poolConfig = new JedisPoolConfig();
        poolConfig.setMaxTotal(MAX_CONNECTIONS);
        poolConfig.setJmxEnabled(false);
        JedisPool pool = new JedisPool(poolConfig, new HostAndPort(settings.host(), settings.port()), config);
        try (Jedis jedis = pool.getResource()) {
            return new RedisTransport(settings, config, pool, serverVersion(jedis.info("server")));
        } catch (JedisException e) { // Jedis messages name host and port, never the password
            pool.close();
            throw new BrokerUnavailableException("Redis at " + redactedUrl + " did not answer: " + e.getMessage(), e);
        }
    }

    private static String serverVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) return line.substring("redis_version:".length()).trim();
        }
        return "(unknown version)";
    }

    @Override public Set<Capability> capabilities() { return CAPABILITIES; }

    @Override
    public CompletableFuture<PublishReceipt> send(String topic, Message message) {
        Map<byte[], byte[]> fields = StreamFields.encode(message);
        long size = StreamFields.size(fields);
        if (size > settings.maxMessageBytes()) {
            return CompletableFuture.failedFuture(new MessageTooLargeException(topic, size, settings.maxMessageBytes(),
                    "raise the driver option maxMessageBytes (Redis itself accepts up to proto-max-bulk-len, 512 MB by default)"));
        }
        XAddParams params = XAddParams.xAddParams();
        if (settings.maxLength() > 0) params.maxLen(settings.maxLength()).approximateTrimming();
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Redis transport"));
        CompletableFuture<PublishReceipt> receipt = new CompletableFuture<>();
        // closed meanwhile: this runs on this thread, and the closed pool fails it with a PublishException
        publisher.execute(() -> {
            try (Jedis jedis = pool.getResource()) {
                byte[] id = jedis.xadd(bytes(settings.streamKey(topic)), params, fields);
                receipt.complete(new PublishReceipt(topic, message.id(),
                        new Position(topic, new String(id, StandardCharsets.UTF_8)), Instant.now()));
            } catch (JedisException | IllegalStateException e) {
                receipt.completeExceptionally(new PublishException("XADD of " + message.id() + " to stream '"
                        + settings.streamKey(topic) + "' failed: " + e.getMessage(), e));
            }
        });
        return receipt;
    }

    @Override
    public TransportSubscription receive(String topic, ReceiveOptions options, Consumer<Inbound> sink) {
        if (closed) throw new ClosedException("Redis transport");
        String key = settings.streamKey(topic);
        StreamEntryID start = null;
        try (Jedis jedis = pool.getResource()) {
            if (options.group() != null) {
                // A group that exists resumes where it was; a new one starts at the end or at the beginning.
                createGroup(jedis, key, options.group(),
                        options.startFrom() == StartFrom.EARLIEST ? new StreamEntryID() : StreamEntryID.XGROUP_LAST_ENTRY);
            } else {
                // Group-less: remember where the stream ends NOW, so receive() returns established.
                start = options.startFrom() == StartFrom.EARLIEST ? new StreamEntryID() : lastId(jedis, key);
            }
        }
        StreamSubscription s = new StreamSubscription(this, topic, options, sink, start);
        subscriptions.add(s);
        s.start();
        return s;
    }

    @Override
    public void declareGroup(String topic, String group) {
        try (Jedis jedis = pool.getResource()) {
            createGroup(jedis, settings.streamKey(topic), group, StreamEntryID.XGROUP_LAST_ENTRY);
        }
    }

    /** XGROUP CREATE key group id MKSTREAM; an existing group is left as it is. */
    private static void createGroup(Jedis jedis, String key, String group, StreamEntryID from) {
        try {
            jedis.xgroupCreate(key, group, from, true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
        }
    }

    private static StreamEntryID lastId(Jedis jedis, String key) {
        var last = jedis.xrevrange(key, "+", "-", 1);
        return last.isEmpty() ? new StreamEntryID() : last.get(0).getID();
    }

    @Override public long maxMessageBytes() { return settings.maxMessageBytes(); }

    @Override public String brokerDescription() { return brokerDescription; }

    @Override
    public void close() {
        closed = true;
        for (StreamSubscription s : subscriptions) s.close();
        subscriptions.clear();
        publisher.close();
        pool.close();
    }

    // ---- used by StreamSubscription ------------------------------------------------------------

    RedisSettings settings() { return settings; }

    /** A connection from the shared pool; close it to give it back. */
    Jedis pooled() { return pool.getResource(); }

    /** A dedicated connection for one subscription's blocking reads. */
    Jedis dedicated() { return new Jedis(new HostAndPort(settings.host(), settings.port()), clientConfig); }

    void forget(StreamSubscription s) { subscriptions.remove(s); }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
