package dev.omnibus.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.omnibus.Message;
import dev.omnibus.conformance.RandomEnvelopes;
import dev.omnibus.rabbitmq.internal.CloudEventsAmqp;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AMQP binding on random valid envelopes (unicode, control characters, empty values, ids and content
 * types longer than a 255-byte short string, payloads up to 256 KiB): the properties, with header values as
 * the broker hands them back (UTF-8 long strings), decode to an equal message, and every short string fits.
 */
class RabbitMqWirePropertiesTest {
    @Provide Arbitrary<Message> messages() { return RandomEnvelopes.validMessages(256 * 1024); }

    @Property(tries = 500, seed = "107", edgeCases = EdgeCasesMode.NONE)
    void propertiesDecodeToTheMessageExactly(@ForAll("messages") Message m) {
        AMQP.BasicProperties sent = CloudEventsAmqp.properties(m, null);
        for (String shortString : new String[] {sent.getContentType(), sent.getMessageId()}) {
            if (shortString != null) assertThat(shortString.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        }
        Map<String, Object> asReceived = new LinkedHashMap<>();
        sent.getHeaders().forEach((k, v) -> asReceived.put(k, v instanceof String s ? longString(s) : v));
        AMQP.BasicProperties received = sent.builder().headers(asReceived).build();
        assertThat(CloudEventsAmqp.decode(received, m.data())).isEqualTo(m);
    }

    private static LongString longString(String s) { return LongStringHelper.asLongString(s); }
}
