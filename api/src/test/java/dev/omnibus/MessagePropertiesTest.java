package dev.omnibus;

import dev.omnibus.EnvelopeSpecs.Spec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Properties of the envelope: any attributes either build a {@link Message} that carries them exactly (also
 * through the CloudEvents SDK's {@code CloudEvent}) or are refused with an {@link InvalidMessageException} naming
 * an attribute that the CloudEvents 1.0 oracle of {@link EnvelopeSpecs} calls invalid. Fixed seeds: deterministic.
 */
class MessagePropertiesTest {

    @Provide Arbitrary<Spec> specs() { return EnvelopeSpecs.specs(256 * 1024); }

    @Property(tries = 1500, seed = "20240914", edgeCases = EdgeCasesMode.NONE)
    @Label("any attributes: built exactly, or refused naming an invalid attribute")
    void builtExactlyOrRefusedNamingTheAttribute(@ForAll("specs") Spec spec) {
        Set<String> problems = spec.problems();
        Throwable refused = catchThrowable(spec::build);
        Statistics.label("outcome").collect(refused == null ? "built" : "refused");
        if (problems.isEmpty()) {
            assertThat(refused).as("valid spec %s", spec).isNull();
            assertCarriedExactly(spec, spec.build());
        } else {
            assertThat(refused).as("spec with invalid %s", problems).isInstanceOf(InvalidMessageException.class);
            InvalidMessageException e = (InvalidMessageException) refused;
            assertThat(problems).as("the named attribute, message: %s", e.getMessage()).contains(e.attribute());
            if (e.attribute().length() <= 80) assertThat(e.getMessage()).contains(e.attribute());
        }
    }

    @Property(tries = 500, seed = "7", edgeCases = EdgeCasesMode.NONE)
    @Label("a valid message survives toCloudEvent/fromCloudEvent and toBuilder exactly")
    void cloudEventAndBuilderRoundTripsAreExact(@ForAll("specs") Spec spec) {
        if (!spec.problems().isEmpty()) return; // refusals are the property above
        Message m = spec.build();
        assertThat(Message.fromCloudEvent(m.toCloudEvent())).isEqualTo(m);
        assertThat(m.toBuilder().build()).isEqualTo(m);
        assertThat(m.withKey(m.key())).isEqualTo(m);
    }

    @Property(tries = 300, seed = "11")
    void extensionNamesFollowCloudEventsRules(@ForAll("extensionNames") String name) {
        Throwable t = catchThrowable(() -> Message.builder().type("t").extension(name, "v").build());
        if (EnvelopeSpecs.validExtensionName(name)) {
            assertThat(t).isNull();
        } else {
            assertThat(t).isInstanceOf(InvalidMessageException.class);
            assertThat(((InvalidMessageException) t).attribute()).isEqualTo(name);
        }
    }

    @Provide Arbitrary<String> extensionNames() {
        return Arbitraries.oneOf(EnvelopeSpecs.extensionName(), Arbitraries.strings().ofMaxLength(70));
    }

    @Property(tries = 300, seed = "13")
    void timesOutsideRfc3339AreRefusedOthersKeptToTheNanosecond(@ForAll("times") Instant time) {
        Throwable t = catchThrowable(() -> Message.builder().type("t").time(time).build());
        boolean inRange = !time.isBefore(Message.MIN_TIME) && !time.isAfter(Message.MAX_TIME);
        if (inRange) {
            assertThat(t).isNull();
            Message m = Message.builder().type("t").time(time).build();
            assertThat(Message.fromCloudEvent(m.toCloudEvent()).time()).isEqualTo(time);
        } else {
            assertThat(t).isInstanceOf(InvalidMessageException.class).hasMessageContaining("'time'");
        }
    }

    @Provide Arbitrary<Instant> times() { return EnvelopeSpecs.time(); }

    @Property(tries = 40, seed = "17")
    void payloadsUpToEightMebibytesAreCopiedExactly(@ForAll("payloads") byte[] data) {
        byte[] original = data.clone();
        Message m = Message.ofBytes("t", data, null);
        data[0] = (byte) ~data[0]; // the caller's array is not the message's
        assertThat(m.data()).isEqualTo(original);
        assertThat(m.dataSize()).isEqualTo(original.length);
        assertThat(m.dataBuffer().remaining()).isEqualTo(original.length);
    }

    @Provide Arbitrary<byte[]> payloads() { return EnvelopeSpecs.data(8 * 1024 * 1024).filter(b -> b.length > 0); }

    private static void assertCarriedExactly(Spec spec, Message m) {
        if (spec.id() != null) assertThat(m.id()).isEqualTo(spec.id());
        assertThat(m.source()).isEqualTo(spec.source() == null ? Message.DEFAULT_SOURCE : spec.source());
        assertThat(m.type()).isEqualTo(spec.type());
        assertThat(m.subject()).isEqualTo(spec.subject());
        if (spec.time() != null) assertThat(m.time()).isEqualTo(spec.time());
        assertThat(m.dataContentType()).isEqualTo(spec.contentType());
        assertThat(m.dataSchema()).isEqualTo(spec.dataSchema());
        assertThat(m.extensions()).isEqualTo(spec.expectedExtensions());
        assertThat(m.key()).isEqualTo(spec.expectedExtensions().get(Message.KEY_EXTENSION));
        assertThat(m.data()).isEqualTo(spec.data());
    }
}
