package dev.omnibus.rabbitmq;

import dev.omnibus.conformance.interop.StructuredCloudEventsInterop;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.Test;

/**
 * CloudEvents structured mode on RabbitMQ (the AMQP binding's structured mode): the SDK's {@link JsonFormat}
 * writes the events, amqp-client publishes them with the AMQP property
 * {@code content_type: application/cloudevents+json}, and Omnibus reads them with every attribute intact.
 */
class RabbitMqStructuredCloudEventsTest {
    @Test
    void omnibusReadsStructuredEventsTheSdkWrote() throws Exception {
        JsonFormat format = new JsonFormat();
        StructuredCloudEventsInterop.assertSdkEventsReadIntact(RabbitMqBroker.get(), format::serialize);
    }
}
