package dev.omnibus.internal;

import dev.omnibus.ConfigurationException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses {@code scheme://[user[:password]@]host[:port][,host[:port]...][/path][?k=v&...]}. Unlike
 * {@link java.net.URI} it accepts comma-separated host lists (Kafka bootstrap servers).
 */
public record ConnectionUrl(String scheme, String user, String password, String authority, String path,
                            Map<String, String> query) {
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.\\-]*");

    public static ConnectionUrl parse(String url) {
        int sep = url.indexOf("://");
        String redacted = sep > 0 ? Redaction.scrubUrls(url) : withoutUserInfo(url);
        if (sep <= 0) {
            throw new ConfigurationException("url", redacted, "scheme://host[:port] such as kafka://127.0.0.1:9092 or memory://demo");
        }
        String scheme = url.substring(0, sep).toLowerCase();
        if (!SCHEME.matcher(scheme).matches()) {
            throw new ConfigurationException("url", redacted, "a URL whose scheme is letters/digits, e.g. kafka://...");
        }
        String rest = url.substring(sep + 3);
        Map<String, String> query = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decodeQuery(eq < 0 ? pair : pair.substring(0, eq), redacted);
                String v = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1), redacted);
                if (k.isBlank()) throw new ConfigurationException("url", redacted, "query parameters of the form key=value");
                query.put(k, v);
            }
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = decode(rest.substring(slash + 1), "path", redacted);
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon), "user info", redacted);
            password = colon < 0 ? null : decode(info.substring(colon + 1), "user info", redacted);
        }
        return new ConnectionUrl(scheme, user, password, rest, path, query);
    }

    /** For a URL without {@code ://}: whatever precedes its last '@' may be a user and password, so it is hidden. */
    private static String withoutUserInfo(String url) {
        int at = url.lastIndexOf('@');
        return at < 0 ? url : "****" + url.substring(at);
    }

    /** RFC 3986 percent-decoding: unlike form decoding, '+' stays '+' (a password or vhost may hold one). */
    private static String decode(String s, String part, String redactedUrl) {
        return decodeQuery(s.replace("+", "%2B"), part, redactedUrl);
    }

    /** Query values are form-decoded ('+' is a space), as HTML forms and most URL builders write them. */
    private static String decodeQuery(String s, String redactedUrl) { return decodeQuery(s, "query", redactedUrl); }

    private static String decodeQuery(String s, String part, String redactedUrl) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // a '%' not followed by two hex digits; the text may be a password
            throw new ConfigurationException("url", redactedUrl, "a URL whose " + part + " is percent-encoded: '%' followed by"
                    + " two hex digits, e.g. %40 for '@', %2F for '/', %25 for '%'");
        }
    }

    @Override public String toString() { return "ConnectionUrl[" + scheme + "://" + (user == null ? "" : user + ":****@") + authority + "]"; }
}
