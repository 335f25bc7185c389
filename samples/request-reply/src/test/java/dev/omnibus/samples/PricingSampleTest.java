package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PricingSampleTest {
    @Test void answersConcurrentRequestsReportsRemoteErrorsAndTimeouts() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = PricingSample.run(MessagingConfig.of("memory://pricing-" + UUID.randomUUID()), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("20 of 20 concurrent quotes", "no price for PROD-???", "No reply on request topic 'inventory.check'");
    }
}
