package dev.omnibus.internal;

import java.util.regex.Pattern;

/** Decides which option keys hold secrets, and scrubs URLs, so that secrets never reach logs or messages. */
public final class Redaction {
    private static final Pattern SECRET_KEY =
            Pattern.compile(".*(password|passwd|secret|token|credential|jaas|apikey|api\\.key|auth\\.params|private).*",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]*):[^@/\\s]*@");

    private Redaction() {}

    public static boolean isSecretKey(String key) { return SECRET_KEY.matcher(key).matches(); }

    /** Replaces the password of every {@code scheme://user:password@host} in {@code text} with {@code ****}. */
    public static String scrubUrls(String text) {
        return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1:****@");
    }
}
