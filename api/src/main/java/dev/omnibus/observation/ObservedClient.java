package dev.omnibus.observation;

import dev.omnibus.Messaging;

/**
 * The instance an observer watches.
 *
 * @param system        {@code messaging.system} of the OpenTelemetry conventions: {@code kafka},
 *                      {@code pulsar}, {@code rabbitmq}, {@code memory}, else the driver's scheme
 * @param broker        the broker as the driver describes it ({@link Messaging#brokerDescription()})
 * @param serverAddress first broker host of the URL, or {@code null}
 * @param serverPort    its port, or -1
 * @param messaging     the instance, for {@link Messaging#lag} and {@link Messaging#health()} (never publish from an observer)
 */
public record ObservedClient(String system, String broker, String serverAddress, int serverPort, Messaging messaging) {}
