package dev.omnibus.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Answers requests sent with {@link dev.omnibus.Messaging#request} on a topic: the method's return value
 * is the reply. Parameters as for {@link OmnibusListener} (payload, {@link dev.omnibus.Delivery},
 * {@link dev.omnibus.Message}). A returned {@link dev.omnibus.Message} is sent as is; any other value is
 * encoded as JSON in a message of type {@link #replyType()}. An exception is sent back to the requester
 * (no retry, no dead letter), as {@link dev.omnibus.Messaging#respond} does.
 *
 * <pre>{@code
 * @OmnibusResponder(topic = "orders.quote", group = "pricing")
 * Quote quote(QuoteRequest request) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OmnibusResponder {
    /** Topic requests arrive on (required). */
    String topic();

    /** Group shared by the responders of the topic (load is split among them); empty means none. */
    String group() default "";

    /** Handler workers. */
    int concurrency() default 1;

    /** CloudEvents type of the reply when the method does not return a Message; empty means {@code <topic>.reply}. */
    String replyType() default "";
}
