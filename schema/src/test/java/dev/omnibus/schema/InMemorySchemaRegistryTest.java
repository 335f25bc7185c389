package dev.omnibus.schema;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySchemaRegistryTest extends SchemaRegistryContract {
    @Override SchemaRegistry registry() { return new InMemorySchemaRegistry(); }

    @Test void itsIdentityIsAUrnWithItsName() {
        assertThat(new InMemorySchemaRegistry("demo").uri().toString()).isEqualTo("urn:omnibus:schemas:demo");
    }
}
