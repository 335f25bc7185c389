package dev.omnibus.samples.redis;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.faults.TcpProxy;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The machine's Redis (or the one named by env {@code OMNIBUS_REDIS_URL}), shared with other users:
 * every key this run creates starts with a prefix of its own (driver option {@code keyPrefix}), and
 * {@link #close()} deletes exactly those keys. It cannot kill or restart a broker it does not own, so
 * the fault kit's broker-outage tests are skipped. Clients of {@link #url()} go through a {@link TcpProxy}
 * (Redis has no advertised addresses), so the connection cut test runs.
 */
final class RedisFixture implements BrokerFixture {
    private final String url = Optional.ofNullable(System.getenv("OMNIBUS_REDIS_URL")).orElse("redis://127.0.0.1:6379");
    private final String prefix = "omnibus-kit-" + UUID.randomUUID() + ":";
    private TcpProxy proxy;

    @Override public String name() { return "redis-external"; }

    @Override
    public void start() {
        try (Jedis jedis = jedis()) {
            jedis.ping();
            if (proxy == null) proxy = new TcpProxy(redisPort());
        } catch (JedisException e) {
            throw new IllegalStateException("No Redis answers at " + url + " (" + e.getMessage() + "): start one with"
                    + " 'redis-server --daemonize yes --port 6379 --save \"\" --appendonly no', or set OMNIBUS_REDIS_URL", e);
        }
    }

    /** The proxy's address in place of Redis's own. */
    @Override public String url() {
        if (proxy == null) return url;
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@") + "127.0.0.1:" + proxy.port()
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override public Optional<TcpProxy> clientProxy() { return Optional.ofNullable(proxy); }

    private int redisPort() {
        int port = URI.create(url).getPort();
        return port < 0 ? 6379 : port;
    }

    /** Entries of {@code topic}'s stream delivered to {@code group} and not yet acknowledged (XPENDING). */
    long pending(String topic, String group) {
        try (Jedis jedis = jedis()) {
            return jedis.xpending(prefix + topic, group).getTotal();
        }
    }

    @Override public Map<String, String> options() { return Map.of("keyPrefix", prefix); }

    /** docs/writing-a-driver.md: {@code <topic>@<stream entry id>}. */
    @Override public java.util.regex.Pattern positionFormat() { return java.util.regex.Pattern.compile("[^@]+@\\d+-\\d+"); }

    /** A foreign producer: XADD with plain fields (no {@code ce_} attributes) to the topic's stream. */
    @Override
    public Optional<ForeignPublisher> foreignPublisher() {
        return Optional.of((topic, key, payload, headers) -> {
            Map<byte[], byte[]> fields = new LinkedHashMap<>();
            headers.forEach((k, v) -> fields.put(bytes(k), bytes(v)));
            if (key != null) fields.put(bytes("key"), bytes(key));
            fields.put(bytes("data"), payload);
            try (Jedis jedis = jedis()) {
                jedis.xadd(bytes(prefix + topic), XAddParams.xAddParams(), fields);
            }
        });
    }

    /** Deletes every key of this run (streams, groups with them, leases), and nothing else. */
    @Override
    public void close() {
        if (proxy != null) proxy.close();
        try (Jedis jedis = jedis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(prefix + "*").count(1_000);
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                if (!page.getResult().isEmpty()) jedis.del(page.getResult().toArray(String[]::new));
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            System.err.println("Could not clean up Redis keys " + prefix + "*: " + e);
        }
    }

    /** A plain connection to the Redis under test (for tests that play a foreign client). */
    Jedis jedis() {
        URI uri = URI.create(url);
        return new Jedis(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()),
                DefaultJedisClientConfig.builder().resp2().build());
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
