package dev.omnibus;

/**
 * The extensions that carry request/reply on every broker. A request carries {@link #REPLY_TO} and
 * {@link #CORRELATION_ID} (the request's id); the reply carries the same {@link #CORRELATION_ID}, and
 * an error reply also {@link #ERROR_TYPE} and {@link #ERROR}.
 */
public final class RequestReply {
    /** Where the requester waits for the reply. */
    public static final String REPLY_TO = "replyto";
    /** The request's id, copied into the reply. */
    public static final String CORRELATION_ID = "correlationid";
    /** On an error reply: class name of the responder's exception. */
    public static final String ERROR_TYPE = "replyerrortype";
    /** On an error reply: the responder's exception message. */
    public static final String ERROR = "replyerror";

    private RequestReply() {}
}
