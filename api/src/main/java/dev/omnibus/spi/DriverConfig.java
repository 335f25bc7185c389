package dev.omnibus.spi;

import dev.omnibus.ConfigurationException;
import dev.omnibus.internal.Durations;
import dev.omnibus.internal.Redaction;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parsed connection URL and options handed to a driver. Every option a driver supports must be
 * read through this class, in {@link MessagingDriver#configure}: right after it returns, before any
 * connection is opened, the core rejects any option that was not read (except pass-through keys read
 * with {@link #passThrough}), naming it and the keys that were. Typed getters (and {@link #hosts}) throw
 * {@link ConfigurationException} naming the key, the value and what is accepted.
 * {@link #toString()} never shows secrets.
 */
public final class DriverConfig {
    private final String scheme;
    private final String authority;
    private final String user;
    private final String password;
    private final String path;
    private final Map<String, String> options;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    public DriverConfig(String scheme, String authority, String user, String password, String path,
                        Map<String, String> options) {
        this.scheme = scheme;
        this.authority = authority == null ? "" : authority;
        this.user = user;
        this.password = password;
        this.path = path == null ? "" : path;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** URL scheme, lower case. */
    public String scheme() { return scheme; }
    /** Host list without user info, e.g. {@code h1:9092,h2:9092}; the name for {@code memory://name}. */
    public String authority() { return authority; }
    /** User from the URL's user info, or {@code null}. */
    public String user() { return user; }
    /** Password from the URL's user info, or {@code null}. Never log it. */
    public String password() { return password; }
    /** URL path without the leading slash (e.g. the AMQP vhost), "" when absent. */
    public String path() { return path; }

    /** The URL with the password replaced by {@code ****}. */
    public String redactedUrl() {
        return scheme + "://" + (user == null ? "" : user + (password == null ? "" : ":****") + "@") + authority
                + (path.isEmpty() ? "" : "/" + path);
    }

    /**
     * The broker addresses of a {@code host[:port][,host[:port]...]} authority, {@code defaultPort} where
     * none is given; IPv6 addresses in brackets ({@code [::1]:5672}). Pure parsing, no name resolution.
     *
     * @throws ConfigurationException naming the URL and the part at fault (an empty host, a port that is not a
     *                                number from 1 to 65535, an unclosed or missing IPv6 bracket)
     */
    public java.util.List<HostAndPort> hosts(int defaultPort) {
        java.util.List<HostAndPort> out = new java.util.ArrayList<>();
        for (String entry : authority.split(",", -1)) {
            out.add(hostAndPort(entry.trim(), defaultPort));
        }
        return java.util.List.copyOf(out);
    }

    private HostAndPort hostAndPort(String entry, int defaultPort) {
        String form = "host[:port][,host[:port]...] such as " + scheme + "://127.0.0.1:" + defaultPort;
        if (entry.isEmpty()) throw new ConfigurationException("url", redactedUrl(), form + " (a host is empty)");
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new ConfigurationException("url", redactedUrl(), "an IPv6 address closed by ']', e.g. "
                        + scheme + "://[::1]:" + defaultPort + " ('" + entry + "' has no closing bracket)");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new ConfigurationException("url", redactedUrl(), "':port' after the IPv6 address in brackets, e.g. ["
                            + host + "]:" + defaultPort + " (got '" + rest + "' after ']')");
                }
                port = rest.substring(1);
            }
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?") || host.indexOf(':') < 0) {
                throw new ConfigurationException("url", redactedUrl(), "an IPv6 address inside the brackets ('" + host
                        + "' is not one)");
            }
        } else {
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                throw new ConfigurationException("url", redactedUrl(), "an IPv6 address in brackets, e.g. " + scheme
                        + "://[::1]:" + defaultPort + " ('" + entry + "' has several ':')");
            }
            host = colon < 0 ? entry : entry.substring(0, colon);
            port = colon < 0 ? null : entry.substring(colon + 1);
            if (host.isEmpty() || !host.matches("[A-Za-z0-9._\\-]+")) {
                throw new ConfigurationException("url", redactedUrl(), form + " ('" + host + "' is not a host name or address)");
            }
        }
        if (port == null) return new HostAndPort(host, defaultPort);
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) return new HostAndPort(host, p);
        } catch (NumberFormatException ignored) {
            // named below
        }
        throw new ConfigurationException("url", redactedUrl(), "a port number from 1 to 65535 after the host: port '"
                + port + "' of '" + entry + "' is not one");
    }

    /** Raw option value, marking the key as supported. */
    public Optional<String> option(String key) {
        read.add(key);
        return Optional.ofNullable(options.get(key));
    }

    public String option(String key, String defaultValue) { return option(key).orElse(defaultValue); }

    public int intOption(String key, int defaultValue, int min, int max) {
        return (int) longOption(key, defaultValue, min, max);
    }

    public long longOption(String key, long defaultValue, long min, long max) {
        Optional<String> v = option(key);
        if (v.isEmpty()) return defaultValue;
        try {
            long n = Long.parseLong(v.get().trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key, v.get(), "an integer from " + min + " to " + max);
        }
    }

    public boolean booleanOption(String key, boolean defaultValue) {
        Optional<String> v = option(key);
        if (v.isEmpty()) return defaultValue;
        return switch (v.get().trim().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigurationException(key, v.get(), "true or false");
        };
    }

    /** Durations like {@code 250ms}, {@code 5s}, {@code 2m}, {@code PT5S}, or plain milliseconds. */
    public Duration durationOption(String key, Duration defaultValue) {
        Optional<String> v = option(key);
        if (v.isEmpty()) return defaultValue;
        return Durations.parse(key, v.get());
    }

    public <E extends Enum<E>> E enumOption(String key, Class<E> type, E defaultValue) {
        Optional<String> v = option(key);
        if (v.isEmpty()) return defaultValue;
        for (E e : EnumSet.allOf(type)) {
            if (e.name().equalsIgnoreCase(v.get().trim().replace('-', '_'))) return e;
        }
        throw new ConfigurationException(key, v.get(),
                ConfigurationException.oneOf(Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase()).toList()));
    }

    /** All options starting with {@code prefix}, prefix removed, for the native client. Marks them read. */
    public Map<String, String> passThrough(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                read.add(k);
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Every option key given by the user. */
    public Set<String> keys() { return options.keySet(); }

    /** Keys given by the user that nobody read: the core reports them as unknown. */
    public Set<String> unreadKeys() {
        Set<String> s = new TreeSet<>(options.keySet());
        s.removeAll(read);
        return s;
    }

    /** Keys that were read (i.e. supported), for error messages. */
    public Set<String> readKeys() { return new TreeSet<>(read); }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        options.forEach((k, v) -> shown.put(k, Redaction.isSecretKey(k) ? "****" : v));
        return "DriverConfig{" + redactedUrl() + ", options=" + shown + "}";
    }
}
