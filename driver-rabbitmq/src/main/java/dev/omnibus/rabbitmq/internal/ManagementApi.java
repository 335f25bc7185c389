package dev.omnibus.rabbitmq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.OmnibusException;
import dev.omnibus.spi.DriverConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The read side of the RabbitMQ management plugin's HTTP API, for listing exchanges and queues (AMQP
 * 0-9-1 cannot list). Same user, password and vhost as the AMQP connection. The base URL is the
 * {@code managementUrl} option, by default {@code http://<first host>:15672} ({@code https://…:15671}
 * for {@code amqps}). The password is only ever sent in the Authorization header, never shown.
 */
public final class ManagementApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String vhost;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;

    private ManagementApi(String baseUrl, String user, String password, String vhost, Duration timeout) {
        this.baseUrl = baseUrl;
        this.vhost = vhost;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** From the URL (credentials, vhost, first host) and the {@code managementUrl} setting. */
    public static ManagementApi of(DriverConfig config, RabbitSettings settings, boolean tls) {
        String base = settings.managementUrl();
        if (base == null) {
            dev.omnibus.spi.HostAndPort first = config.hosts(tls ? 5671 : 5672).get(0);
            String host = first.ipv6() ? "[" + first.host() + "]" : first.host();
            base = (tls ? "https://" : "http://") + host + (tls ? ":15671" : ":15672");
        }
        return new ManagementApi(base, config.user() == null ? "guest" : config.user(),
                config.password() == null ? "guest" : config.password(), config.path().isEmpty() ? "/" : config.path(),
                settings.connectTimeout());
    }

    /** {@code GET /api/<what>/<vhost>?columns=...}: the JSON array the plugin answers. */
    JsonNode list(String what, String columns) {
        String path = "/api/" + what + "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "?columns=" + columns;
        URI uri = URI.create(baseUrl + path);
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OmnibusException("Interrupted while listing RabbitMQ " + what, e);
        } catch (IOException e) {
            throw new BrokerUnavailableException("The RabbitMQ management API at " + baseUrl + " did not answer (" + e
                    + "). Listing topics and groups needs the management plugin: enable it (rabbitmq-plugins enable "
                    + "rabbitmq_management) or set the managementUrl option", e);
        }
        if (r.statusCode() == 401) {
            throw new OmnibusException("The RabbitMQ management API at " + baseUrl + " refused the URL's user (HTTP 401): "
                    + "give it the 'management' or 'monitoring' tag (rabbitmqctl set_user_tags)");
        }
        if (r.statusCode() != 200) {
            throw new OmnibusException("The RabbitMQ management API at " + baseUrl + " answered HTTP " + r.statusCode()
                    + " listing " + what + " of vhost '" + vhost + "': " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new OmnibusException("The RabbitMQ management API at " + baseUrl + " sent unreadable JSON: " + e.getMessage(), e);
        }
    }

    @Override public String toString() { return "ManagementApi{" + baseUrl + ", vhost " + vhost + "}"; }
}
