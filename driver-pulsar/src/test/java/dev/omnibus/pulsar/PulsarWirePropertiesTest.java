package dev.omnibus.pulsar;

import dev.omnibus.Message;
import dev.omnibus.conformance.RandomEnvelopes;
import dev.omnibus.pulsar.internal.CloudEventsProperties;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Pulsar property mapping on random valid envelopes (unicode, control characters, empty values, long
 * ids, payloads up to 256 KiB): properties, message key and value decode to an equal message.
 */
class PulsarWirePropertiesTest {
    @Provide Arbitrary<Message> messages() { return RandomEnvelopes.validMessages(256 * 1024); }

    @Property(tries = 500, seed = "103", edgeCases = EdgeCasesMode.NONE)
    void propertiesDecodeToTheMessageExactly(@ForAll("messages") Message m) {
        var properties = CloudEventsProperties.encode(m);
        assertThat(CloudEventsProperties.decode(properties, m.key(), m.data(), "message")).isEqualTo(m);
    }
}
