package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.HostAndPort;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Opens the AMQP connection: hosts, credentials and vhost from the URL, automatic connection and topology
 * recovery on, bounded connect and handshake time. Failures name what was wrong (host, user, vhost) and
 * never the password.
 */
public final class Connector {
    private final ConnectionFactory f;
    private final List<Address> addresses;
    private final String where;
    private final String name;
    private final String user;
    private final String vhost;
    private final DriverConfig config;
    private final RabbitSettings settings;

    private Connector(ConnectionFactory f, List<Address> addresses, String where, String name, String user, String vhost,
                      DriverConfig config, RabbitSettings settings) {
        this.f = f;
        this.addresses = addresses;
        this.where = where;
        this.name = name;
        this.user = user;
        this.vhost = vhost;
        this.config = config;
        this.settings = settings;
    }

    /** Builds the connection factory and the address list from the URL: no network, malformed hosts fail here. */
    public static Connector prepare(DriverConfig config, RabbitSettings settings, boolean tls) {
        ConnectionFactory f = new ConnectionFactory();
        String user = config.user() == null ? "guest" : config.user();
        String vhost = config.path().isEmpty() ? "/" : config.path();
        f.setUsername(user);
        f.setPassword(config.password() == null ? "guest" : config.password());
        f.setVirtualHost(vhost);
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        f.setConnectionTimeout(timeout);
        f.setHandshakeTimeout(timeout);
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
        f.setRequestedChannelMax(0);
        NativeSettings.apply(settings.nativeSettings(), f);
        if (tls) {
            try {
                f.useSslProtocol(javax.net.ssl.SSLContext.getDefault()); // the JVM's trust store
                f.enableHostnameVerification();
            } catch (GeneralSecurityException e) {
                throw new ConfigurationException("TLS (amqps) could not be set up: " + e.getMessage(), e);
            }
        }
        List<Address> addresses = addresses(config, tls ? 5671 : 5672);
        String where = config.scheme() + "://" + config.authority() + "/" + (config.path().isEmpty() ? "" : config.path());
        String name = settings.nativeSettings().getOrDefault("connectionName", "omnibus");
        return new Connector(f, addresses, where, name, user, vhost, config, settings);
    }

    /** Opens the connection; failures name the address, user or vhost at fault. */
    public Connection connect() {
        try {
            return f.newConnection(addresses, name);
        } catch (AuthenticationFailureException e) {
            throw new BrokerUnavailableException("RabbitMQ at " + where + " refused the login of user '" + user
                    + "' (ACCESS_REFUSED): wrong user name or password. Check the user info of the URL.", null);
        } catch (UnknownHostException e) {
            throw new BrokerUnavailableException("Unknown RabbitMQ host in " + where + ": " + e.getMessage(), null);
        } catch (ConnectException | SocketTimeoutException | TimeoutException e) {
            throw new BrokerUnavailableException("RabbitMQ at " + where + " is unreachable within connectTimeout="
                    + settings.connectTimeout() + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). Is the broker running and the host/port right?", null);
        } catch (IOException e) {
            Throwable network = networkCause(e);
            if (network != null) {
                throw new BrokerUnavailableException("RabbitMQ at " + where + " is unreachable within connectTimeout="
                        + settings.connectTimeout() + " (" + network.getClass().getSimpleName() + ": " + network.getMessage()
                        + "). Is the broker running and the host/port right?", null);
            }
            String detail = shutdownReason(e);
            if (detail.contains("vhost") || detail.contains("NOT_ALLOWED")) {
                throw new BrokerUnavailableException("RabbitMQ at " + config.authority() + " refused virtual host '" + vhost
                        + "' for user '" + user + "': it does not exist or the user has no permission on it ("
                        + detail + "). Create it (rabbitmqctl add_vhost) or fix the URL path.", null);
            }
            if (detail.contains("ACCESS_REFUSED")) {
                throw new BrokerUnavailableException("RabbitMQ at " + where + " refused the login of user '" + user
                        + "' (ACCESS_REFUSED): wrong user name or password.", null);
            }
            throw new BrokerUnavailableException("Could not connect to RabbitMQ at " + where + ": " + detail
                    + rootCause(e) + ". Is it an AMQP 0-9-1 port of a RabbitMQ broker?", null);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        return root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketException || t instanceof SocketTimeoutException || t instanceof TimeoutException) return t;
        }
        return null;
    }

    private static String shutdownReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException sse && sse.getReason() != null) {
                return sse.getReason().toString();
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static List<Address> addresses(DriverConfig config, int defaultPort) {
        if (config.authority().isBlank()) return List.of(new Address("localhost", defaultPort));
        List<Address> out = new ArrayList<>();
        for (HostAndPort h : config.hosts(defaultPort)) out.add(new Address(h.host(), h.port()));
        return out;
    }
}
