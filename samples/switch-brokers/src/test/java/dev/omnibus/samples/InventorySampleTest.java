package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import dev.omnibus.UnsupportedCapabilityException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class InventorySampleTest {
    @Test void stockComesOutRightOnTheEmbeddedBroker() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = InventorySample.run(MessagingConfig.of("memory://inventory-" + UUID.randomUUID()),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("applied 120 movements");
    }

    @Test void aBrokerWithoutWhatTheApplicationNeedsIsRefusedAtStartUp() {
        // the memory driver is not DURABLE: an application that requires it is refused with the alternatives
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> dev.omnibus.Messaging.connect(
                MessagingConfig.builder("memory://x").require(dev.omnibus.Capability.DURABLE).build())))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("DURABLE is provided by kafka");
    }
}
