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

    @Test void unknownOptionIsRejectedBeforeTheDriverConnects() {
        AtomicBoolean connected = new AtomicBoolean();
        MessagingDriver twoStep = new MessagingDriver() {
            @Override public String scheme() { return "cfg"; }
            @Override public PendingConnection configure(DriverConfig config) {
                config.intOption("partitions", 1, 1, 100);
                return () -> {
                    connected.set(true);
                    return new ConfigOnlyDriver().connect(config);
                };
            }
            @Override public Transport connect(DriverConfig config) { return configure(config).connect(); }
        };
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder("cfg://x?partitons=4").driver(twoStep).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[partitons]");
        assertThat(connected).as("no connection attempted for a misspelt option").isFalse();
    }

    @Test void hostListsAreParsedWithoutTheNetworkAndBadOnesNamed() {
        DriverConfig ok = new DriverConfig("kafka", "h1:9093,h2,[::1]:9094", null, null, "", java.util.Map.of());
        assertThat(ok.hosts(9092)).extracting(Object::toString).containsExactly("h1:9093", "h2:9092", "[::1]:9094");
        for (String[] bad : new String[][]{{"127.0.0.1:notaport", "'notaport'"}, {"h:0", "'0'"}, {"h:65536", "'65536'"},
                {"[::1:5672", "closing bracket"}, {"::1", "brackets"}, {"h1,", "empty"}, {"[::1]x", "after ']'"},
                {"[zz]:1", "IPv6"}, {"h/x:1", "host name"}}) {
            DriverConfig c = new DriverConfig("amqp", bad[0], "u", "secret", "", java.util.Map.of());
            assertThatThrownBy(() -> c.hosts(5672)).as(bad[0]).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("amqp://u:****@" + bad[0]).hasMessageContaining(bad[1])
                    .hasMessageNotContaining("secret");
        }
    }
}
