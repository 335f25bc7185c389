package dev.omnibus.schema;

import dev.omnibus.DeadLetterException;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The entry point: publishes and consumes through {@link EventType}s bound to a {@link SchemaRegistry}, on
 * any broker.
 *
 * <pre>{@code
 * Contracts contracts = Contracts.using(registry);
 * bus.publish("orders.placed", contracts.message(ORDER_PLACED_V2, order).withKey(order.orderId()));
 * bus.subscribe("orders.placed", SubscribeOptions.group("billing"),
 *         contracts.handler(ORDER_PLACED_V2, (order, delivery) -> bill(order)));
 * }</pre>
 *
 * <p><b>Publish</b> ({@link #message}): the event type is bound to its registered version (registered on
 * first use unless auto-registration is off; an incompatible schema fails there with
 * {@link IncompatibleSchemaException}, before anything reaches the broker), the payload is validated
 * ({@link SchemaViolationException}) and encoded, and the message carries {@code dataschema} = the version's
 * identity ({@code <registry uri>/subjects/<subject>/versions/<n>}) and {@code datacontenttype}.
 *
 * <p><b>Consume</b> ({@link #handler}, {@link #read}): the writer's version is resolved from
 * {@code dataschema} and the payload is read into the handler's version: Avro schema resolution or JSON with
 * the reader's defaults filled, or the event type's upcaster for that version. A message that cannot be read
 * (no or unknown {@code dataschema}, another subject, an incompatible version, a payload that violates its
 * schema or does not decode) throws {@link DeadLetterException} with the reason, so the subscription
 * dead-letters it at once and the key moves on. A registry that cannot answer throws
 * {@link SchemaStoreException}: the attempt is retried per the subscription's policy.
 *
 * <p>Thread-safe. Registered versions are immutable, so resolutions are cached for the life of the instance.
 */
public final class Contracts {
    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final Map<EventType<?>, RegisteredSchema> bound = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> writers = new ConcurrentHashMap<>();
    private final Map<String, List<BreakingChange>> readable = new ConcurrentHashMap<>();

    private Contracts(SchemaRegistry registry, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
    }

    /** Contracts on {@code registry}, registering event types on first use. */
    public static Contracts using(SchemaRegistry registry) { return new Contracts(registry, true); }

    /**
     * Contracts on {@code registry} that never register: every event type must already be registered (by the
     * build, with {@code schema check} + a registration step); an unregistered one fails with
     * {@link UnknownSchemaException}.
     */
    public static Contracts usingRegisteredOnly(SchemaRegistry registry) { return new Contracts(registry, false); }

    public SchemaRegistry registry() { return registry; }

    /** The registered version of {@code type}: registered now if needed (and allowed), then cached. */
    public RegisteredSchema bind(EventType<?> type) {
        RegisteredSchema r = bound.get(type);
        if (r != null) return r;
        r = autoRegister ? registry.register(type.subject(), type.schema())
                : registry.find(type.subject(), type.schema()).orElseThrow(() -> new UnknownSchemaException(
                        "The schema of " + type + " is not registered in " + registry.uri()
                                + "; register it (SchemaRegistry.register) or use Contracts.using(registry)"));
        if (type.version().isPresent() && type.version().getAsInt() != r.version()) {
            throw new UnknownSchemaException(type + " declares version " + type.version().getAsInt() + " but the registry "
                    + registry.uri() + " holds its schema as version " + r.version() + " of " + r.subject()
                    + "; fix the declared version or register the versions in order");
        }
        bound.put(type, r);
        return r;
    }

    /** A message of {@code type} carrying {@code value}: validated, encoded, with dataschema and datacontenttype. */
    public <T> Message message(EventType<T> type, T value) {
        RegisteredSchema schema = bind(type);
        byte[] data = type.codec().encode(value, schema);
        return Message.builder().type(type.type()).dataSchema(schema.uri().toString())
                .data(data, type.codec().contentType()).build();
    }

    /** Decodes {@code message} into {@code type}'s version; {@link DeadLetterException} with the reason if it cannot. */
    public <T> T read(EventType<T> type, Message message) {
        RegisteredSchema reader = bind(type);
        RegisteredSchema writer = writer(message);
        if (!writer.subject().equals(reader.subject())) {
            throw new DeadLetterException("Message " + message.id() + " was written with subject " + writer.subject()
                    + " v" + writer.version() + ", not " + reader.subject() + ": subscribe a handler for that event type");
        }
        UnaryOperator<Object> upcaster = type.upcaster(writer.version());
        if (upcaster == null && writer.version() != reader.version()) {
            List<BreakingChange> changes = readable.computeIfAbsent(writer.uri() + " " + reader.uri(),
                    k -> Compatibility.readerReadsWriter(reader.definition(), writer.definition(), writer.version()));
            if (!changes.isEmpty()) {
                throw new DeadLetterException("Schema " + writer.subject() + " v" + writer.version() + " of message "
                        + message.id() + " is incompatible with the handler's v" + reader.version() + ": "
                        + IncompatibleSchemaException.describe(changes) + "; add an upcaster for v" + writer.version());
            }
        }
        try {
            return type.codec().decode(message.data(), message.dataContentType(), writer, reader, upcaster);
        } catch (SchemaViolationException | InvalidPayloadException e) {
            throw new DeadLetterException("Message " + message.id() + " (" + writer.subject() + " v" + writer.version()
                    + ") cannot be read as v" + reader.version() + ": " + e.getMessage(), e);
        }
    }

    /** A handler that decodes each delivery into {@code type}'s version (see {@link #read}) and passes it on. */
    public <T> MessageHandler handler(EventType<T> type, TypedHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        bind(type); // fail at subscribe time, not at the first message
        return delivery -> handler.handle(read(type, delivery.message()), delivery);
    }

    private RegisteredSchema writer(Message message) {
        String ds = message.dataSchema();
        if (ds == null) {
            throw new DeadLetterException("Message " + message.id() + " of type " + message.type() + " has no dataschema:"
                    + " its producer did not publish it through Contracts.message(...)");
        }
        RegisteredSchema cached = writers.get(ds);
        if (cached != null) return cached;
        if (Subjects.parse(ds).isEmpty()) {
            throw new DeadLetterException("Message " + message.id() + " has dataschema '" + ds + "', which is not a schema"
                    + " registry identity (<registry>/subjects/<subject>/versions/<n>)");
        }
        Optional<RegisteredSchema> found = registry.resolve(ds);
        if (found.isEmpty()) {
            throw new DeadLetterException("Unknown schema " + ds + " on message " + message.id() + ": registry "
                    + registry.uri() + " has no such version (another registry, or a deleted subject)");
        }
        writers.put(ds, found.get());
        return found.get();
    }
}
