package dev.omnibus.pulsar.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.OmnibusException;
import dev.omnibus.spi.TransportAdmin;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Topics and durable subscriptions of the configured namespace through Pulsar's admin REST API at
 * {@code adminUrl} (v2, persistent topics). Broker-internal topics ({@code __...}) and the driver's
 * connection probe are not listed, nor the groups' redelivery topics ({@link PulsarTransport#redeliveryTopic},
 * deleted with their group or topic); partitions are listed under their topic's name.
 */
final class PulsarAdmin implements TransportAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARTITION = Pattern.compile("-partition-\\d+$");
    private static final Pattern PARTITION_NUMBER = Pattern.compile(".*-partition-(\\d+)$");

    private final PulsarSettings settings;
    private final Consumer<String> forgetTopic;
    private final HttpClient http;

    PulsarAdmin(PulsarSettings settings, Consumer<String> forgetTopic) {
        this.settings = settings;
        this.forgetTopic = forgetTopic;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    @Override
    public Set<String> topics() {
        Set<String> out = new TreeSet<>();
        String prefix = "persistent://" + settings.tenantNamespace() + "/";
        for (String path : new String[] {"", "/partitioned"}) {
            JsonNode list = get(namespacePath() + path, "listing the topics of " + settings.tenantNamespace());
            if (list == null) continue;
            for (JsonNode n : list) {
                String name = n.asText();
                if (!name.startsWith(prefix)) continue;
                String topic = PARTITION.matcher(name.substring(prefix.length())).replaceFirst("");
                if (!topic.startsWith("__") && !topic.equals(PulsarTransport.PROBE_TOPIC)
                        && !topic.endsWith(PulsarTransport.REDELIVERY_SUFFIX)) out.add(topic);
            }
        }
        return out;
    }

    @Override
    public Set<String> groups(String topic) {
        JsonNode stats = get(topicPath(topic) + "/stats", "reading the stats of topic '" + topic + "'");
        Set<String> out = new TreeSet<>();
        if (stats == null) return out;
        stats.path("subscriptions").fields().forEachRemaining(e -> {
            if (e.getValue().path("isDurable").asBoolean(true)) out.add(e.getKey());
        });
        return out;
    }

    /**
     * The subscription's backlog ({@code msgBacklog} of the topic stats; of each partition for a
     * partitioned topic). Pulsar counts backlog in entries: a batch of several messages counts once.
     */
    dev.omnibus.ConsumerLag lag(String topic, String group) {
        java.util.Map<String, Long> byPartition = new java.util.TreeMap<>();
        JsonNode stats = get(topicPath(topic) + "/stats", "reading the stats of topic '" + topic + "'");
        if (stats != null) {
            byPartition.put("0", stats.path("subscriptions").path(group).path("msgBacklog").asLong(0));
        } else {
            JsonNode partitioned = get(topicPath(topic) + "/partitioned-stats?perPartition=true",
                    "reading the partitioned stats of topic '" + topic + "'");
            if (partitioned != null) {
                partitioned.path("partitions").fields().forEachRemaining(p -> byPartition.put(
                        PARTITION_NUMBER.matcher(p.getKey()).replaceFirst("$1"),
                        p.getValue().path("subscriptions").path(group).path("msgBacklog").asLong(0)));
            }
        }
        return dev.omnibus.ConsumerLag.of(topic, group, byPartition);
    }

    @Override
    public void deleteGroup(String topic, String group) {
        HttpResponse<String> r = send("DELETE", topicPath(topic) + "/subscription/" + segment(group),
                "deleting subscription '" + group + "' of topic '" + topic + "'");
        if (r.statusCode() == 412) {
            throw new IllegalStateException("Pulsar refuses deleting subscription '" + group + "' of topic '" + topic
                    + "' while consumers are connected to it (" + r.body() + "): close those subscriptions first");
        }
        expect(r, "deleting subscription '" + group + "' of topic '" + topic + "'");
        deleteRedeliveryTopic(topic, group);
    }

    /** The group's delayed redeliveries go with it (404 when it never had any). */
    private void deleteRedeliveryTopic(String topic, String group) {
        String retry = PulsarTransport.redeliveryTopic(topic, group);
        forgetTopic.accept(retry);
        expect(send("DELETE", topicPath(retry) + "?force=true", "deleting topic '" + retry + "'"),
                "deleting topic '" + retry + "'");
    }

    @Override
    public void deleteTopic(String topic) {
        forgetTopic.accept(topic); // close our producer first, or it would re-create the topic on reconnect
        for (String group : groups(topic)) deleteRedeliveryTopic(topic, group);
        HttpResponse<String> r = send("DELETE", topicPath(topic) + "?force=true", "deleting topic '" + topic + "'");
        expect(r, "deleting topic '" + topic + "'");
    }

    private String namespacePath() { return "/admin/v2/persistent/" + settings.tenantNamespace(); }

    private String topicPath(String topic) { return namespacePath() + "/" + segment(topic); }

    private static String segment(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    /** The JSON body, or {@code null} for 404 (no such namespace/topic). */
    private JsonNode get(String path, String what) {
        HttpResponse<String> r = send("GET", path, what);
        if (r.statusCode() == 404) return null;
        expect(r, what);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new OmnibusException("Pulsar's admin API answered " + what + " with unreadable JSON: " + e.getMessage(), e);
        }
    }

    /** 2xx and 404 (nothing to delete) are fine. */
    private static void expect(HttpResponse<String> r, String what) {
        int code = r.statusCode();
        if (code / 100 == 2 || code == 404) return;
        throw new OmnibusException("Pulsar's admin API refused " + what + ": HTTP " + code + " " + r.body());
    }

    private HttpResponse<String> send(String method, String path, String what) {
        URI uri = URI.create(settings.adminUrl() + path);
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(settings.operationTimeout())
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OmnibusException("Interrupted while " + what, e);
        } catch (IOException e) {
            throw new BrokerUnavailableException("Pulsar's admin API at " + settings.adminUrl() + " did not answer while "
                    + what + " (" + e + "); check the adminUrl option", e);
        }
    }

}
