package dev.omnibus;

/** Thrown by a handler to acknowledge and discard the message without dead-lettering it. */
public class DropMessageException extends RuntimeException {
    public DropMessageException(String reason) { super(reason); }
}
