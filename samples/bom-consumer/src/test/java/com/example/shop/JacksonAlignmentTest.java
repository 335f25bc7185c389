package com.example.shop;

import dev.omnibus.Message;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** cloudevents-json-jackson next to omnibus-api: the BOM keeps every Jackson module on one version. */
class JacksonAlignmentTest {
    @Test void oneJacksonVersionForEveryModule() {
        assertEquals(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString(),
                com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString(), "jackson-core and jackson-databind versions");
    }

    @Test void aMapPayloadEncodesAndTheCloudEventsFormatStillWorks() {
        Message m = Message.of("com.example.shop.OrderPlaced", Map.of("a", 1));
        assertArrayEquals("{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), m.data());
        assertEquals("application/cloudevents+json", new JsonFormat().serializedContentType());
    }
}
