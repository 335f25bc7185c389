package dev.omnibus.internal;

import dev.omnibus.Message;

/**
 * The bridge through which {@link dev.omnibus.spi.Payloads} reaches a {@link Message}'s payload array without a
 * copy. {@link Message} installs the one implementation when its class initialises; nothing else may.
 */
public final class MessageAccess {
    /** What {@link Message} lets the SPI do with its payload. */
    public interface Accessor {
        /** The message's own payload array. */
        byte[] data(Message message);

        /** Sets {@code data} as the builder's payload without copying it. */
        Message.Builder adoptData(Message.Builder builder, byte[] data, String contentType);
    }

    private static volatile Accessor accessor;

    private MessageAccess() {}

    /** Called once, by {@link Message}'s static initialiser. */
    public static void install(Accessor a) {
        if (accessor != null) throw new IllegalStateException("the Message accessor is already installed");
        accessor = a;
    }

    /** The accessor, initialising {@link Message} first if needed. */
    public static Accessor get() {
        Accessor a = accessor;
        if (a == null) {
            Message.builder(); // runs Message's static initialiser, which installs it
            a = accessor;
        }
        return a;
    }
}
