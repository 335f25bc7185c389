package dev.omnibus;

import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.ReceiveOptions;
import dev.omnibus.spi.Transport;
import dev.omnibus.spi.TransportSubscription;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connect-time configuration handling; no broker traffic is involved. */
class MessagingConnectTest {
    /** A driver that only records its configuration: enough to test option handling. */
    static final class ConfigOnlyDriver implements MessagingDriver {
        final AtomicBoolean closed = new AtomicBoolean();
        @Override public String scheme() { return "cfg"; }
        @Override public Transport connect(DriverConfig config) {
            config.intOption("partitions", 1, 1, 100);
            config.passThrough("cfg.");
            return new Transport() {
                @Override public Set<Capability> capabilities() { return Set.of(Capability.CONSUMER_GROUPS); }
                @Override public CompletableFuture<PublishReceipt> send(String t, Message m) { throw new UnsupportedOperationException(); }
                @Override public TransportSubscription receive(String t, ReceiveOptions o, Consumer<dev.omnibus.spi.Inbound> s) { throw new UnsupportedOperationException(); }
                @Override public long maxMessageBytes() { return 1; }
                @Override public void close() { closed.set(true); }
            };
        }
    }

    @Test void unknownSchemeListsTheDriversFound() {
        assertThatThrownBy(() -> Messaging.connect("nats://127.0.0.1:4222"))
                .isInstanceOf(DriverNotFoundException.class).hasMessageContaining("'nats'").hasMessageContaining("omnibus-driver");
    }

    @Test void unknownOptionIsRejectedNamingSupportedOnes() {
        ConfigOnlyDriver driver = new ConfigOnlyDriver();
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder("cfg://x?partitions=3&partitons=4").driver(driver).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[partitons]")
                .hasMessageContaining("partitions").hasMessageContaining("cfg.*");
        assertThat(driver.closed).as("the transport is closed again").isTrue();
    }

    @Test void badCoreOptionValueIsNamed() {
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder("cfg://x?closeTimeout=soon").driver(new ConfigOnlyDriver()).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("closeTimeout").hasMessageContaining("soon");
    }

    @Test void missingCapabilityFailsFastNamingWhoProvidesIt() {
        try (Messaging bus = Messaging.connect(MessagingConfig.builder("cfg://x").driver(new ConfigOnlyDriver()).build())) {
            assertThatThrownBy(() -> bus.subscribe("t", SubscribeOptions.defaults().startFrom(StartFrom.EARLIEST), d -> {}))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageContaining("REPLAY is provided by no driver on the class path");
            assertThatThrownBy(() -> bus.require(Capability.DURABLE)).isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(bus.require(Capability.CONSUMER_GROUPS)).isSameAs(bus);
        }
    }

    @Test void requiredCapabilitiesAreCheckedAtConnectAndSubscribe() {
        ConfigOnlyDriver driver = new ConfigOnlyDriver();
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder("cfg://x").driver(driver)
                .require(Capability.CONSUMER_GROUPS, Capability.DURABLE).build()))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("[DURABLE]").hasMessageContaining("DURABLE is provided by no driver on the class path");
        assertThat(driver.closed).isTrue();
        try (Messaging bus = Messaging.connect(MessagingConfig.builder("cfg://x").driver(new ConfigOnlyDriver()).build())) {
            SubscribeOptions needsDurable = SubscribeOptions.group("g").ordering(Ordering.NONE)
                    .require(Capability.DURABLE).concurrency(2);
            assertThat(needsDurable.required()).containsExactly(Capability.DURABLE);
            assertThatThrownBy(() -> bus.subscribe("t", needsDurable, d -> {}))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("DURABLE");
        }
    }

    @Test void configToStringHidesPasswords() {
        MessagingConfig c = MessagingConfig.builder("amqp://app:hunter2@h/v").option("rabbitmq.password", "hunter2").build();
        assertThat(c.toString()).doesNotContain("hunter2");
        assertThat(c.redactedUrl()).isEqualTo("amqp://app:****@h/v");
    }
}
