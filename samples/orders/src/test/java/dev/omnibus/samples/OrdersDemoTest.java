package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Smoke test: the demo runs to completion on the embedded broker and shows every step. */
class OrdersDemoTest {
    @Test
    void demoShowsFanOutDeadLettersRedriveAndReply() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = OrdersDemo.run(MessagingConfig.of("memory://demo-" + UUID.randomUUID()),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("[email]", "[fulfillment] shipping", "[analytics]", "[dead-letter] order 6666",
                "[dead-letter] order 1004", "[redrive]     moved 2 dead letter(s)", "shipping 1 x PROD-777 for order 1004",
                "[request/reply] 3 x PROD-441 at 49.99 = 149.97");
        assertThat(out.split("confirmation mail for order 1004", -1)).as("one mail despite the redrive").hasSize(2);
    }
}
