package dev.omnibus;

/**
 * Answers one request. The returned message is sent to the requester's reply address with the
 * request's correlation id; a thrown exception is sent back as an error reply and surfaces at the
 * requester as {@link RemoteHandlerException}.
 */
@FunctionalInterface
public interface RequestHandler {
    Message handle(Delivery request) throws Exception;
}
