package dev.omnibus.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which option keys hold secrets (passwords, tokens, JAAS configs, Pulsar {@code authParams},
 * private keys), and scrubs URLs, so that secrets never reach logs, {@code toString()} or messages.
 */
public final class Redaction {
    private static final Pattern SECRET_KEY =
            Pattern.compile(".*(password|passwd|secret|token|credential|jaas|apikey|api\\.key|auth\\.?params?|private"
                    + "|keystore\\.key).*", Pattern.CASE_INSENSITIVE);
    /** User info up to the LAST '@' before the path, as {@link ConnectionUrl} reads it (a password may hold '@'). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*):[^/\\s]*@");

    /** A query parameter {@code ?name=value} or {@code &name=value}; group 2 is the name. */
    private static final Pattern SECRET_QUERY = Pattern.compile("([?&]([^=&?#\\s]+)=)([^&#\\s]*)");

    private Redaction() {}

    public static boolean isSecretKey(String key) { return SECRET_KEY.matcher(key).matches(); }

    /**
     * Replaces with {@code ****} the password of every {@code scheme://user:password@host} in {@code text},
     * and the value of every URL query parameter whose name {@linkplain #isSecretKey names a secret}
     * ({@code ?pulsar.authParams=...}).
     */
    public static String scrubUrls(String text) {
        if (text == null) return null;
        String scrubbed = URL_PASSWORD.matcher(text).replaceAll("$1:****@");
        return SECRET_QUERY.matcher(scrubbed).replaceAll(m -> isSecretKey(m.group(2))
                ? Matcher.quoteReplacement(m.group(1) + "****") : Matcher.quoteReplacement(m.group()));
    }
}
