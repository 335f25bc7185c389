package dev.omnibus.schema;

import dev.omnibus.ConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry contract on the real PostgreSQL, plus what sharing the tables across instances means. */
class JdbcSchemaRegistryTest extends SchemaRegistryContract {
    private static TestDatabase db;
    private static final AtomicInteger TABLES = new AtomicInteger();

    @BeforeAll static void open() { db = new TestDatabase(); }
    @AfterAll static void drop() { if (db != null) db.close(); }

    @Override SchemaRegistry registry() {
        JdbcSchemaRegistry r = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(db.prefix("reg" + TABLES.incrementAndGet())).build();
        r.createSchema();
        return r;
    }

    @Test void instancesOnTheSameTablesShareVersionsModesAndIdentity() {
        String prefix = db.prefix("shared");
        JdbcSchemaRegistry a = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build();
        JdbcSchemaRegistry b = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build();
        a.createSchema();
        b.createSchema(); // idempotent
        RegisteredSchema v1 = a.register("orders.placed", V1);
        assertThat(b.resolve(v1.uri().toString())).hasValue(v1);
        assertThat(b.register("orders.placed", V1)).isEqualTo(v1);
        b.compatibility("orders.placed", CompatibilityMode.BACKWARD);
        assertThat(a.compatibility("orders.placed")).isEqualTo(CompatibilityMode.BACKWARD);
        assertThat(a.uri()).isEqualTo(b.uri());
        assertThat(a.uri().toString()).isEqualTo("urn:omnibus:schemas:jdbc:" + prefix);
    }

    @Test void concurrentRegistrationsFromTwoInstancesGetDistinctConsecutiveVersions() throws Exception {
        String prefix = db.prefix("race");
        List<JdbcSchemaRegistry> instances = List.of(
                JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build(),
                JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build());
        instances.get(0).createSchema();
        instances.get(0).compatibility("race", CompatibilityMode.BACKWARD);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<RegisteredSchema>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // each version adds one optional field with a default: every order of registration is compatible
            StringBuilder fields = new StringBuilder("{\"name\": \"id\", \"type\": \"string\"}");
            fields.append(", {\"name\": \"f").append(i).append("\", \"type\": \"int\", \"default\": 0}");
            SchemaDefinition d = SchemaDefinition.avro("{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + fields + "]}");
            JdbcSchemaRegistry r = instances.get(i % 2);
            results.add(pool.submit(() -> r.register("race", d)));
        }
        List<Integer> versions = new ArrayList<>();
        for (Future<RegisteredSchema> f : results) versions.add(f.get(60, TimeUnit.SECONDS).version());
        pool.shutdown();
        assertThat(versions).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 16).boxed().toList());
        assertThat(instances.get(1).versions("race")).hasSize(16);
    }

    @Test void producerAndConsumerInstancesShareContractsThroughTheTables() {
        String prefix = db.prefix("contracts");
        JdbcSchemaRegistry producerRegistry = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build();
        JdbcSchemaRegistry consumerRegistry = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build();
        producerRegistry.createSchema();
        Contracts producer = Contracts.using(producerRegistry);
        Contracts consumer = Contracts.using(consumerRegistry);
        producer.bind(ContractsTest.JSON_V1);
        dev.omnibus.Message v2 = producer.message(ContractsTest.JSON_V2, new TestSchemas.OrderV2("o-1", "c", 3, "EUR", null));
        assertThat(v2.dataSchema()).isEqualTo("urn:omnibus:schemas:jdbc:" + prefix + "/subjects/orders.placed/versions/2");
        assertThat(consumer.read(ContractsTest.JSON_V1, v2)).isEqualTo(new TestSchemas.OrderV1("o-1", "c", 3));
    }

    @Test void aRegistryThatCannotAnswerIsRetriedNotDeadLettered() {
        String prefix = db.prefix("outage");
        JdbcSchemaRegistry registry = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(prefix).build();
        registry.createSchema();
        Contracts producer = Contracts.using(registry);
        Contracts consumer = Contracts.using(registry);
        consumer.bind(ContractsTest.JSON_V1); // the consumer is up and bound
        producer.bind(ContractsTest.JSON_V1);
        dev.omnibus.Message v2 = producer.message(ContractsTest.JSON_V2, new TestSchemas.OrderV2("o-1", "c", 3, "EUR", null));
        db.exec("DROP TABLE " + prefix + "_versions");
        assertThatThrownBy(() -> consumer.read(ContractsTest.JSON_V1, v2))
                .isInstanceOf(SchemaStoreException.class).isNotInstanceOf(dev.omnibus.DeadLetterException.class)
                .hasMessageContaining(prefix + "_*");
    }

    @Test void aBadPrefixNamesTheOptionAndWhatIsAccepted() {
        assertThatThrownBy(() -> JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix("x; DROP TABLE y"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("tablePrefix").hasMessageContaining("letters, digits");
    }

    @Test void missingTablesAreAStoreFailureNotAnIncompatibility() {
        JdbcSchemaRegistry r = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(db.prefix("never_created")).build();
        assertThatThrownBy(() -> r.register("orders.placed", V1))
                .isInstanceOf(SchemaStoreException.class).hasMessageContaining("createSchema()");
    }
}
