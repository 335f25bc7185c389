package dev.omnibus.pulsar.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConfigurationException;
import dev.omnibus.OmnibusException;
import dev.omnibus.PublishException;
import org.apache.pulsar.client.api.PulsarClientException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns native Pulsar failures into Omnibus exceptions whose messages name the value at fault and the fix. */
final class PulsarErrors {
    private PulsarErrors() {}

    /** The first cause that is not a CompletionException/ExecutionException wrapper. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
        return c;
    }

    /** A fully qualified class name with a colon after it, as Netty and the Pulsar client prefix their messages. */
    private static final java.util.regex.Pattern CLASS_PREFIX =
            java.util.regex.Pattern.compile("(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*|$)");

    /**
     * Why the broker could not be reached, in plain words: the innermost cause's message without the
     * (shaded) class names the client puts in front of it, e.g. {@code connection refused (Connection refused:
     * /127.0.0.1:6650)} rather than {@code org.apache.pulsar.shade.io.netty...AnnotatedConnectException}.
     */
    static String plainReason(Throwable t) {
        Throwable root = unwrap(t);
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String kind = root instanceof java.net.ConnectException ? "connection refused"
                : root instanceof java.net.UnknownHostException ? "unknown host"
                : root instanceof java.net.NoRouteToHostException ? "no route to host"
                : root instanceof java.util.concurrent.TimeoutException || root instanceof java.net.SocketTimeoutException
                        ? "no answer in time" : null;
        String message = root.getMessage() == null ? "" : CLASS_PREFIX.matcher(root.getMessage()).replaceAll("").trim();
        if (kind == null) return message.isEmpty() ? root.getClass().getSimpleName() : message;
        return message.isEmpty() ? kind : kind + " (" + message + ")";
    }

    /** True when the broker said the tenant or namespace does not exist. */
    static boolean namespaceMissing(Throwable t) {
        Throwable c = unwrap(t);
        for (Throwable x = c; x != null; x = x.getCause()) {
            String m = String.valueOf(x.getMessage()).toLowerCase();
            if ((m.contains("namespace") || m.contains("tenant") || m.contains("policies"))
                    && (m.contains("not found") || m.contains("does not exist") || m.contains("not exist"))) {
                return true;
            }
        }
        return false;
    }

    static ConfigurationException missingNamespace(PulsarSettings s, Throwable cause) {
        return new ConfigurationException("Pulsar namespace '" + s.tenantNamespace() + "' (tenant '" + s.tenant()
                + "', namespace '" + s.namespace() + "') does not exist on " + s.serviceUrl()
                + ": create it (pulsar-admin tenants create " + s.tenant() + "; pulsar-admin namespaces create "
                + s.tenantNamespace() + ") or choose another with the 'tenant'/'namespace' options or the URL path "
                + "pulsar://host:6650/<tenant>/<namespace>. Broker said: " + unwrap(cause).getMessage(), cause);
    }

    /** For subscribe and declareGroup failures. */
    static OmnibusException subscribeFailure(PulsarSettings s, String topic, String group, Throwable t) {
        Throwable c = unwrap(t);
        if (namespaceMissing(c)) return missingNamespace(s, c);
        String what = "subscription " + (group == null ? "(group-less)" : "'" + group + "'") + " to '" + s.fullTopic(topic) + "'";
        if (c instanceof PulsarClientException.ConsumerBusyException || String.valueOf(c.getMessage()).contains("different type")) {
            return new ConfigurationException("Cannot open " + what + ": the group is already consumed with another "
                    + "subscription type (Key_Shared for ordering PER_KEY, Shared for NONE); use one ordering per group. "
                    + "Broker said: " + c.getMessage(), c);
        }
        if (c instanceof java.util.concurrent.TimeoutException || c instanceof PulsarClientException.TimeoutException
                || c instanceof PulsarClientException.ConnectException || c instanceof PulsarClientException.LookupException) {
            return new BrokerUnavailableException("Could not open " + what + " on " + s.serviceUrl() + " within "
                    + s.operationTimeout() + ": " + plainReason(c), c);
        }
        return new OmnibusException("Could not open " + what + ": " + c.getMessage(), c);
    }

    /** For publish failures (size errors are detected before sending). */
    static RuntimeException publishFailure(PulsarSettings s, String topic, Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof OmnibusException o) return o;
        if (namespaceMissing(c)) {
            return new PublishException(missingNamespace(s, c).getMessage(), c);
        }
        if (c instanceof PulsarClientException.TimeoutException) {
            return new PublishException("Publish to '" + s.fullTopic(topic) + "' not confirmed by the broker within "
                    + s.sendTimeout() + " (sendTimeout); it may or may not be stored", c, true);
        }
        if (c instanceof PulsarClientException.MemoryBufferIsFullError) {
            return new PublishException("Publish to '" + s.fullTopic(topic) + "' refused: more than "
                    + s.memoryLimitBytes() + " bytes are waiting for broker confirmation (raise memoryLimitBytes or "
                    + "wait for earlier publishes)", c);
        }
        if (String.valueOf(c.getMessage()).contains("max allowed delivery delay")) {
            return new PublishException("Publish to '" + s.fullTopic(topic) + "' refused by the broker: the delay exceeds "
                    + "its delayedDeliveryMaxDelayInMillis (" + c.getMessage() + "); set the driver option maxScheduleDelay "
                    + "(now " + s.maxScheduleDelay() + ") to that limit so such publishes fail before sending", c);
        }
        if (c instanceof PulsarClientException.AlreadyClosedException) {
            return new PublishException("Publish to '" + s.fullTopic(topic) + "' failed: the Pulsar producer is closed", c);
        }
        return new PublishException("Publish to '" + s.fullTopic(topic) + "' failed: " + c.getMessage(), c,
                c instanceof PulsarClientException.ConnectException || c instanceof PulsarClientException.NotConnectedException);
    }
}
