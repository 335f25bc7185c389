package dev.omnibus.samples;

import dev.omnibus.MessagingConfig;
import dev.omnibus.schema.InMemorySchemaRegistry;
import dev.omnibus.schema.SchemaAssertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaEvolutionSampleTest {
    @Test void bothReadersReadBothVersionsAndTheRetypedTotalIsRefused() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = SchemaEvolutionSample.run(MessagingConfig.of("memory://schema-sample-" + UUID.randomUUID()),
                new InMemorySchemaRegistry(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("fulfilment (v2 reader): [o-1001 42.0 USD region=null, o-1002 19.5 EUR region=eu-west]")
                .contains("analytics  (v1 reader): [o-1001 42.0, o-1002 19.5]")
                .contains("v1 producer publishes avro/binary with dataschema urn:omnibus:schemas:")
                .contains("/subjects/orders.placed/versions/1")
                .contains("v3 refused: Schema for subject 'orders.placed' breaks its FULL compatibility")
                .contains("BACKWARD vs v2 at /fields/total: double -> string");
    }

    @Test void theCommittedSchemasPassTheBuildTimeCheck() {
        SchemaAssertions.assertCompatible(Path.of("src/main/resources/schemas"));
    }
}
