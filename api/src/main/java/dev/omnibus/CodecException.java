package dev.omnibus;

/** A payload could not be encoded or decoded. A handler that throws it is dead-lettered at once
 * (a payload that does not decode will not decode on the next attempt either). */
public class CodecException extends OmnibusException {
    public CodecException(String message, Throwable cause) { super(message, cause); }
}
