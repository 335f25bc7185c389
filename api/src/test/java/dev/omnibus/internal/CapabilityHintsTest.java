package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.UnsupportedCapabilityException;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Hints name exactly what drivers state in offers(), nothing hand-written. */
class CapabilityHintsTest {

    private static MessagingDriver driver(String scheme, CapabilityOffer... offers) {
        return new MessagingDriver() {
            @Override public String scheme() { return scheme; }
            @Override public Transport connect(DriverConfig config) { throw new UnsupportedOperationException(); }
            @Override public List<CapabilityOffer> offers() { return List.of(offers); }
        };
    }

    @Test void namesEachStatedProviderWithItsConfiguration() {
        List<MessagingDriver> drivers = List.of(
                driver("kafka", CapabilityOffer.byDefault(Capability.REPLAY), CapabilityOffer.byDefault(Capability.DURABLE, "kafka.acks", "all")),
                driver("amqp", CapabilityOffer.with(Capability.REPLAY, "queueType", "stream")),
                driver("memory"));
        assertThat(CapabilityHints.whoProvides(EnumSet.of(Capability.REPLAY), drivers))
                .isEqualTo("REPLAY is provided by kafka, amqp (with queueType=stream).");
        assertThat(CapabilityHints.whoProvides(EnumSet.of(Capability.DURABLE, Capability.DELAYED_REDELIVERY), drivers))
                .isEqualTo("DURABLE is provided by kafka. DELAYED_REDELIVERY is provided by no driver on the class path.");
        assertThat(CapabilityHints.whoProvides(Set.of(), drivers)).isEmpty();
    }

    /** This module's class path registers no driver: the exception cannot name one. */
    @Test void theExceptionUsesOnlyTheDriversOnTheClassPath() {
        UnsupportedCapabilityException e = new UnsupportedCapabilityException("scripted", EnumSet.of(Capability.REPLAY), "a test");
        assertThat(e.getMessage()).isEqualTo("Driver 'scripted' does not provide [REPLAY] needed for a test. "
                + "REPLAY is provided by no driver on the class path.");
    }
}
