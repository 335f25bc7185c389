package dev.omnibus;

/** The {@link Messaging} instance or subscription was closed; the operation was not attempted. */
public class ClosedException extends OmnibusException {
    public ClosedException(String what) { super(what + " is closed"); }
}
