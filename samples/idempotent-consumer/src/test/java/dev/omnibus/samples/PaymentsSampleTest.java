package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentsSampleTest {
    @Test void duplicateIsBookedOnceWithTheStoreAndTwiceWithout() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = PaymentsSample.run(MessagingConfig.of("memory://payments-" + UUID.randomUUID()), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("with idempotency store: {acct-42=10.00}; without: {acct-42=20.00}");
    }
}
