package dev.omnibus.pulsar;

import dev.omnibus.conformance.interop.StructuredCloudEventsInterop;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.Test;

/**
 * CloudEvents structured mode on Pulsar: the SDK's {@link JsonFormat} writes the events, the native Pulsar
 * client publishes them with the property {@code content-type: application/cloudevents+json}, and Omnibus
 * reads them with every attribute intact.
 */
class PulsarStructuredCloudEventsTest {
    @Test
    void omnibusReadsStructuredEventsTheSdkWrote() throws Exception {
        JsonFormat format = new JsonFormat();
        StructuredCloudEventsInterop.assertSdkEventsReadIntact(PulsarFixtures.shared(), format::serialize);
    }
}
