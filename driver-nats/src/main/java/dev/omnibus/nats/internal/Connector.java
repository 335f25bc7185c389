package dev.omnibus.nats.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;

/**
 * Opens the jnats connection: servers from the URL's host list ({@code tls://} when {@code tls=true}), user and
 * password (or a token: a user without a password) from the URL's user info, reconnecting forever with
 * {@code nats.reconnectWait} between attempts, and checks that JetStream answers. Fails with
 * {@link BrokerUnavailableException} within {@code connectTimeout} per server. jnats' own listeners are routed
 * to SLF4J; they never see the password (it is not part of any server URL).
 */
public final class Connector {
    private static final Logger log = LoggerFactory.getLogger(Connector.class);

    private Connector() {}

    public static Connection connect(DriverConfig config, NatsSettings settings) {
        Options.Builder b = new Options.Builder()
                .servers(settings.servers().toArray(String[]::new))
                .connectionName(settings.connectionName())
                .connectionTimeout(settings.connectTimeout())
                .maxReconnects(-1)
                .reconnectWait(settings.reconnectWait())
                .pingInterval(settings.pingInterval())
                .maxPingsOut(settings.maxPingsOut())
                .reconnectBufferSize(settings.reconnectBufferSize())
                .errorListener(new LoggingListener(config.redactedUrl()))
                .connectionListener(new LoggingListener(config.redactedUrl()));
        if (config.user() != null && config.password() != null) {
            b.userInfo(config.user().toCharArray(), config.password().toCharArray());
        } else if (config.user() != null) {
            b.token(config.user().toCharArray());
        }
        if (settings.tls()) {
            try {
                b.secure();
            } catch (NoSuchAlgorithmException e) {
                throw new ConfigurationException("tls", "true", "a JVM with a default TLS SSLContext (" + e.getMessage() + ")");
            }
        }
        Connection connection;
        try {
            connection = Nats.connect(b.build());
        } catch (IOException e) {
            throw new BrokerUnavailableException("Could not connect to NATS at " + config.redactedUrl() + ": " + reason(e)
                    + " (check the host list, credentials and connectTimeout=" + settings.connectTimeout() + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while connecting to NATS at " + config.redactedUrl(), null);
        }
        try {
            connection.jetStreamManagement().getAccountStatistics();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            closeQuietly(connection);
            throw new BrokerUnavailableException("NATS at " + config.redactedUrl() + " does not answer JetStream requests: "
                    + reason(e) + " (the server must run with JetStream enabled: nats-server -js)", null);
        }
        return connection;
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
    }

    /** jnats connection events and errors, to SLF4J. */
    private record LoggingListener(String url) implements ErrorListener, ConnectionListener {
        @Override public void connectionEvent(Connection conn, Events type) {
            if (type == Events.DISCONNECTED) log.info("NATS connection to {} lost; reconnecting", url);
            else if (type == Events.RECONNECTED) log.info("NATS connection to {} re-established", url);
            else log.debug("NATS connection to {}: {}", url, type);
        }

        @Override public void errorOccurred(Connection conn, String error) { log.warn("NATS server error on {}: {}", url, error); }

        @Override public void exceptionOccurred(Connection conn, Exception exp) { log.debug("NATS client exception on {}: {}", url, exp.toString()); }

        @Override public void slowConsumerDetected(Connection conn, Consumer consumer) { log.warn("NATS slow consumer on {}: {}", url, consumer); }
    }
}
