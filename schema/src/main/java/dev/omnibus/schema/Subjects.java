package dev.omnibus.schema;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Subject names and schema identities. A subject is 1-200 characters among letters, digits, '.', '_' and
 * '-' (so that it sits in a URI path and a SQL row unescaped), e.g. {@code orders.placed} or
 * {@code orders.placed-value}.
 */
public final class Subjects {
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern IDENTITY = Pattern.compile("(.*)/subjects/([A-Za-z0-9._-]{1,200})/versions/([1-9][0-9]{0,8})");

    private Subjects() {}

    /** Returns {@code subject} when valid; otherwise an {@link IllegalArgumentException} naming it. */
    public static String check(String subject) {
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("Invalid subject " + (subject == null ? "null" : "'" + subject + "'")
                    + ": use 1-200 letters, digits, '.', '_' or '-' (e.g. orders.placed)");
        }
        return subject;
    }

    /** A parsed schema identity: the registry's URI, the subject and the version. */
    public record Identity(String registryUri, String subject, int version) {}

    /** Parses {@code <registry uri>/subjects/<subject>/versions/<n>}; empty when {@code dataschema} is not one. */
    public static Optional<Identity> parse(String dataschema) {
        if (dataschema == null) return Optional.empty();
        Matcher m = IDENTITY.matcher(dataschema);
        if (!m.matches()) return Optional.empty();
        return Optional.of(new Identity(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
    }

    /** True when {@code registryUri} (with or without a trailing '/') names the same registry as {@code other}. */
    static boolean sameRegistry(URI registryUri, String other) {
        String a = registryUri.toString();
        if (a.endsWith("/")) a = a.substring(0, a.length() - 1);
        return a.equals(other);
    }
}
