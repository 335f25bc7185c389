package dev.omnibus.spi;

/**
 * Where replies to this process's requests arrive.
 *
 * @param address      what requests carry in their {@code replyto} extension
 * @param subscription the subscription feeding replies to the core
 */
public record ReplyInbox(String address, TransportSubscription subscription) {}
