package dev.omnibus.pulsar.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything the Pulsar driver reads from the URL and options, validated once at connect time.
 *
 * @param serviceUrl          {@code pulsar://host:port[,host:port]}
 * @param adminUrl            HTTP admin URL (option {@code adminUrl}, default {@code http://<first host>:8080})
 * @param tenant              tenant of every topic (option or first URL path segment, default {@code public})
 * @param namespace           namespace of every topic (option or second URL path segment, default {@code default})
 * @param connectTimeout      bound on reaching the broker at connect and on (re)connections
 * @param operationTimeout    bound on lookups, subscribe and producer creation
 * @param sendTimeout         a publish not confirmed within this fails (indeterminate)
 * @param nackRedeliveryDelay how long Pulsar holds a negatively acknowledged message (Ordering.NONE)
 * @param memoryLimitBytes    client memory for pending publishes; beyond it publishes fail fast
 * @param maxScheduleDelay    longest delay of a scheduled publish or a delayed redelivery (option
 *                            {@code maxScheduleDelay}, default 365 days; set it to the broker's
 *                            {@code delayedDeliveryMaxDelayInMillis} when that is set)
 * @param clientPassThrough   {@code pulsar.*} keys (minus {@code pulsar.producer.*}/{@code pulsar.consumer.*}) for the ClientBuilder
 * @param producerPassThrough {@code pulsar.producer.*} keys for every ProducerBuilder
 * @param consumerPassThrough {@code pulsar.consumer.*} keys for every ConsumerBuilder
 */
public record PulsarSettings(String serviceUrl, String adminUrl, String tenant, String namespace,
                             Duration connectTimeout, Duration operationTimeout, Duration sendTimeout,
                             Duration nackRedeliveryDelay, long memoryLimitBytes, Duration maxScheduleDelay,
                             Map<String, Object> clientPassThrough, Map<String, Object> producerPassThrough,
                             Map<String, Object> consumerPassThrough) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-=:]{1,100}");
    static final int DEFAULT_PORT = 6650;
    /** Pulsar itself has no limit unless the broker sets {@code delayedDeliveryMaxDelayInMillis}. */
    static final Duration DEFAULT_MAX_SCHEDULE_DELAY = Duration.ofDays(365);

    /** Reads and validates every supported option. */
    public static PulsarSettings from(DriverConfig config) {
        if (config.authority().isBlank()) {
            throw new ConfigurationException("url", config.redactedUrl(), "pulsar://host:6650[/tenant/namespace]");
        }
        if (config.user() != null || config.password() != null) {
            throw new ConfigurationException("Pulsar URLs take no user info (" + config.redactedUrl() + "); configure "
                    + "authentication with the pass-through options pulsar.authPluginClassName and pulsar.authParams");
        }
        java.util.List<dev.omnibus.spi.HostAndPort> hosts = config.hosts(DEFAULT_PORT);
        String serviceUrl = "pulsar://" + String.join(",", hosts.stream().map(Object::toString).toList());
        String pathTenant = null;
        String pathNamespace = null;
        String path = config.path();
        if (!path.isEmpty()) {
            String[] parts = path.split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new ConfigurationException("url path", path, "tenant/namespace, e.g. pulsar://127.0.0.1:6650/public/default");
            }
            pathTenant = parts[0];
            pathNamespace = parts[1];
        }
        String tenant = pick(config, "tenant", pathTenant, "public");
        String namespace = pick(config, "namespace", pathNamespace, "default");
        String host = hosts.get(0).ipv6() ? "[" + hosts.get(0).host() + "]" : hosts.get(0).host();
        String adminUrl = config.option("adminUrl", "http://" + host + ":8080");
        if (!adminUrl.startsWith("http://") && !adminUrl.startsWith("https://")) {
            throw new ConfigurationException("adminUrl", adminUrl, "an http:// or https:// URL such as http://127.0.0.1:8080");
        }
        Duration connectTimeout = positive(config, "connectTimeout", Duration.ofSeconds(10));
        Duration operationTimeout = positive(config, "operationTimeout", Duration.ofSeconds(30));
        Duration sendTimeout = positive(config, "sendTimeout", Duration.ofSeconds(30));
        Duration nackDelay = positive(config, "nackRedeliveryDelay", Duration.ofSeconds(1));
        long memoryLimit = config.longOption("memoryLimitBytes", 256L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE);
        Duration maxScheduleDelay = positive(config, "maxScheduleDelay", DEFAULT_MAX_SCHEDULE_DELAY);

        Map<String, Object> client = new LinkedHashMap<>();
        Map<String, Object> producer = new LinkedHashMap<>();
        Map<String, Object> consumer = new LinkedHashMap<>();
        config.passThrough("pulsar.").forEach((k, v) -> {
            if (k.startsWith("producer.")) producer.put(k.substring("producer.".length()), v);
            else if (k.startsWith("consumer.")) consumer.put(k.substring("consumer.".length()), v);
            else client.put(k, v);
        });
        return new PulsarSettings(serviceUrl, stripSlash(adminUrl), tenant, namespace, connectTimeout, operationTimeout,
                sendTimeout, nackDelay, memoryLimit, maxScheduleDelay, client, producer, consumer);
    }

    /** {@code persistent://tenant/namespace/topic}. */
    public String fullTopic(String topic) { return "persistent://" + tenant + "/" + namespace + "/" + topic; }

    /** Host of the first service URL address (IPv6 without brackets). */
    public String firstHost() {
        String first = serviceUrl.substring("pulsar://".length()).split(",")[0];
        String host = first.substring(0, first.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** Port of the first service URL address. */
    public int firstPort() {
        String first = serviceUrl.substring("pulsar://".length()).split(",")[0];
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    /** True when clients connect without TLS and without authentication (then a bare CONNECT is answered). */
    boolean plainConnection() {
        return !clientPassThrough.containsKey("authPluginClassName") && !clientPassThrough.containsKey("authentication")
                && !"true".equalsIgnoreCase(String.valueOf(clientPassThrough.getOrDefault("useTls", "false")));
    }

    /** {@code tenant/namespace}. */
    public String tenantNamespace() { return tenant + "/" + namespace; }

    private static String pick(DriverConfig config, String key, String fromPath, String defaultValue) {
        String fromOption = config.option(key).orElse(null);
        if (fromOption != null && fromPath != null && !fromOption.equals(fromPath)) {
            throw new ConfigurationException(key, fromOption, "the same " + key + " as the URL path ('" + fromPath
                    + "'), or only one of the two");
        }
        String v = fromOption != null ? fromOption : fromPath != null ? fromPath : defaultValue;
        if (!NAME.matcher(v).matches()) {
            throw new ConfigurationException(key, v, "a Pulsar " + key + " name (letters, digits, _ . - = :)");
        }
        return v;
    }

    private static Duration positive(DriverConfig config, String key, Duration defaultValue) {
        Duration d = config.durationOption(key, defaultValue);
        if (d.isNegative() || d.isZero()) throw new ConfigurationException(key, d, "a positive duration such as 10s");
        return d;
    }

    private static String stripSlash(String url) { return url.endsWith("/") ? url.substring(0, url.length() - 1) : url; }
}
