package dev.omnibus;

/** The encoded message exceeds the driver's or broker's size limit; nothing was sent. */
public class MessageTooLargeException extends PublishException {
    private final long size;
    private final long limit;

    public MessageTooLargeException(String topic, long size, long limit, String howToRaise) {
        super("Message of " + size + " bytes for topic '" + topic + "' exceeds the limit of " + limit
                + " bytes" + (howToRaise == null ? "" : "; " + howToRaise), null);
        this.size = size;
        this.limit = limit;
    }

    public long size() { return size; }
    public long limit() { return limit; }
}
