package dev.omnibus.samples;

import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.StartFrom;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.schema.Contracts;
import dev.omnibus.schema.EventType;
import dev.omnibus.schema.InMemorySchemaRegistry;
import dev.omnibus.schema.IncompatibleSchemaException;
import dev.omnibus.schema.SchemaDefinition;
import dev.omnibus.schema.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The handbook's OrderPlaced v1 -> v2 (Avro: {@code currency} added with a default, {@code region} nullable).
 * A checkout service still on v1 and a new one on v2 publish to the same topic; a fulfilment service on v2
 * reads both (v1 events get currency USD and no region) and an analytics service still on v1 reads both too
 * (it ignores the new fields). Then someone retypes {@code total} to a string: the registry refuses that
 * version, naming the field, before anything reaches the broker.
 */
public final class SchemaEvolutionSample {
    static final String TOPIC = "orders.placed";

    private SchemaEvolutionSample() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(MessagingConfig.fromEnvironment(), new InMemorySchemaRegistry("sample"), System.out));
    }

    static Schema schema(String resource) {
        try (InputStream in = SchemaEvolutionSample.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("Missing resource " + resource);
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int run(MessagingConfig config, SchemaRegistry registry, PrintStream out) throws Exception {
        Schema v1Schema = schema("/schemas/orders.placed/v1.avsc");
        Schema v2Schema = schema("/schemas/orders.placed/v2.avsc");
        EventType<GenericRecord> v1 = EventType.avro(TOPIC, v1Schema).type("com.acme.orders.OrderPlaced").version(1).build();
        EventType<GenericRecord> v2 = EventType.avro(TOPIC, v2Schema).type("com.acme.orders.OrderPlaced").version(2).build();
        Contracts contracts = Contracts.using(registry);
        contracts.bind(v1);
        contracts.bind(v2);

        List<String> fulfilment = new CopyOnWriteArrayList<>();
        List<String> analytics = new CopyOnWriteArrayList<>();
        CountDownLatch received = new CountDownLatch(4); // two events, two readers
        try (Messaging bus = Messaging.connect(config)) {
            bus.subscribe(TOPIC, SubscribeOptions.group("fulfilment").startFrom(StartFrom.EARLIEST), contracts.handler(v2, (o, d) ->
                    {
                fulfilment.add(o.get("orderId") + " " + o.get("total") + " " + o.get("currency") + " region=" + o.get("region"));
                received.countDown();
            }));
            bus.subscribe(TOPIC, SubscribeOptions.group("analytics").startFrom(StartFrom.EARLIEST), contracts.handler(v1, (o, d) ->
{
                analytics.add(o.get("orderId") + " " + o.get("total"));
                received.countDown();
            }));

            GenericRecord old = new GenericData.Record(v1Schema);
            old.put("orderId", "o-1001"); old.put("customerId", "c-7"); old.put("total", 42.0);
            GenericRecord current = new GenericData.Record(v2Schema);
            current.put("orderId", "o-1002"); current.put("customerId", "c-7"); current.put("total", 19.5);
            current.put("currency", "EUR"); current.put("region", "eu-west");
            var m1 = contracts.message(v1, old).withKey("c-7");
            var m2 = contracts.message(v2, current).withKey("c-7");
            out.println("v1 producer publishes " + m1.dataContentType() + " with dataschema " + m1.dataSchema());
            bus.publish(TOPIC, m1).get(30, TimeUnit.SECONDS);
            out.println("v2 producer publishes " + m2.dataContentType() + " with dataschema " + m2.dataSchema());
            bus.publish(TOPIC, m2).get(30, TimeUnit.SECONDS);
            if (!received.await(60, TimeUnit.SECONDS)) out.println("timed out waiting for both readers");
        }
        out.println("fulfilment (v2 reader): " + fulfilment);
        out.println("analytics  (v1 reader): " + analytics);

        String breaking;
        try (InputStream in = SchemaEvolutionSample.class.getResourceAsStream("/breaking/orders.placed-v3.avsc")) {
            breaking = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            registry.register(TOPIC, SchemaDefinition.avro(breaking));
            out.println("BUG: the breaking v3 was accepted");
            return 1;
        } catch (IncompatibleSchemaException e) {
            out.println("v3 refused: " + e.getMessage());
        }
        return fulfilment.size() == 2 && analytics.size() == 2 ? 0 : 1;
    }
}
