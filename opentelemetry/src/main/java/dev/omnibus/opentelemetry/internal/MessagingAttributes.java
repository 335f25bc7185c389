package dev.omnibus.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute names of the OpenTelemetry messaging semantic conventions (kept as plain keys: the
 * semconv artifacts are incubating), plus Omnibus's own under {@code omnibus.}.
 */
final class MessagingAttributes {
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("messaging.message.conversation_id");
    static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    /** 1 for the first handler attempt of a delivery, 2 for the first retry, … */
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("omnibus.attempt");
    /** True on a failed attempt that is retried in process. */
    static final AttributeKey<Boolean> WILL_RETRY = AttributeKey.booleanKey("omnibus.will_retry");
    /** Why a message is published: publish, dead_letter, redrive, request, reply. */
    static final AttributeKey<String> PUBLISH_KIND = AttributeKey.stringKey("omnibus.publish.kind");
    /** How a delivery was settled: completed, dropped, duplicate, dead_lettered, invalid_envelope, given_back,
     *  redelivery_scheduled. */
    static final AttributeKey<String> SETTLE_OUTCOME = AttributeKey.stringKey("omnibus.settle.outcome");
    /** The message's {@code causationid} extension (the message whose handler published it). */
    static final AttributeKey<String> CAUSATION_ID = AttributeKey.stringKey("omnibus.causation_id");

    private MessagingAttributes() {}
}
