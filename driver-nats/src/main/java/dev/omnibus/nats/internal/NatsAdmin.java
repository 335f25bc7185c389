package dev.omnibus.nats.internal;

import dev.omnibus.BrokerUnavailableException;
import dev.omnibus.ConsumerLag;
import dev.omnibus.spi.TransportAdmin;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Topics and groups through the JetStream management API. A topic is a stream whose only subject is a
 * literal (no wildcard, not {@code $}-prefixed, so key-value and object stores are left out): the subject is
 * the topic's name. A group is a durable consumer of the stream; its Omnibus name is kept in the consumer's
 * description ({@code Omnibus group <name>}), since the consumer name has {@code .} replaced.
 */
final class NatsAdmin implements TransportAdmin {
    static final String GROUP_DESCRIPTION = "Omnibus group ";
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final JetStreamManagement management;
    private final Consumer<String> forgetTopic;

    NatsAdmin(JetStreamManagement management, Consumer<String> forgetTopic) {
        this.management = management;
        this.forgetTopic = forgetTopic;
    }

    @Override
    public Set<String> topics() {
        return call("list streams", () -> {
            Set<String> topics = new TreeSet<>();
            for (StreamInfo s : management.getStreams()) {
                List<String> subjects = s.getConfiguration().getSubjects();
                if (subjects.size() != 1) continue;
                String subject = subjects.get(0);
                if (subject.startsWith("$") || subject.contains("*") || subject.contains(">")) continue;
                if (Names.stream(subject).equals(s.getConfiguration().getName())) topics.add(subject);
            }
            return topics;
        });
    }

    @Override
    public Set<String> groups(String topic) {
        return call("list the consumers of '" + topic + "'", () -> {
            Set<String> groups = new TreeSet<>();
            List<ConsumerInfo> consumers;
            try {
                consumers = management.getConsumers(Names.stream(topic));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == STREAM_NOT_FOUND) return groups;
                throw e;
            }
            for (ConsumerInfo c : consumers) {
                String durable = c.getConsumerConfiguration().getDurable();
                if (durable == null) continue; // ephemeral: a group-less subscription
                String description = c.getConsumerConfiguration().getDescription();
                groups.add(description != null && description.startsWith(GROUP_DESCRIPTION)
                        ? description.substring(GROUP_DESCRIPTION.length()) : durable);
            }
            return groups;
        });
    }

    @Override
    public void deleteGroup(String topic, String group) {
        call("delete group '" + group + "' of '" + topic + "'", () -> {
            try {
                management.deleteConsumer(Names.stream(topic), Names.durable(group));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND && e.getApiErrorCode() != CONSUMER_NOT_FOUND) throw e;
            }
            return null;
        });
    }

    @Override
    public void deleteTopic(String topic) {
        call("delete topic '" + topic + "'", () -> {
            try {
                management.deleteStream(Names.stream(topic));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NOT_FOUND) throw e;
            } finally {
                forgetTopic.accept(topic);
            }
            return null;
        });
    }

    /**
     * The group's durable consumer as JetStream counts it: messages not yet delivered ({@code num_pending})
     * plus delivered and not acknowledged ({@code num_ack_pending}), keyed by the stream name; empty when the
     * group or topic does not exist.
     */
    ConsumerLag lag(String topic, String group) {
        return call("read the lag of group '" + group + "' on '" + topic + "'", () -> {
            try {
                ConsumerInfo info = management.getConsumerInfo(Names.stream(topic), Names.durable(group));
                return ConsumerLag.of(topic, group, Map.of(Names.stream(topic), info.getNumPending() + info.getNumAckPending()));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() == STREAM_NOT_FOUND || e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                    return ConsumerLag.of(topic, group, Map.of());
                }
                throw e;
            }
        });
    }

    private interface Call<T> { T run() throws IOException, JetStreamApiException; }

    private static <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (IOException | JetStreamApiException e) {
            throw new BrokerUnavailableException("NATS JetStream could not " + what + ": " + Connector.reason(e), e);
        }
    }
}
