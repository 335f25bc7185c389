package dev.omnibus.rabbitmq;

/**
 * The RabbitMQ driver over TLS: {@code amqps://user:password@host:5671/vhost}. Same topology and options as
 * {@link RabbitMqDriver}; the connection uses the JVM's default {@code SSLContext} (its trust store,
 * {@code javax.net.ssl.*} system properties) with host name verification.
 */
public class RabbitMqsDriver extends RabbitMqDriver {
    @Override public String scheme() { return "amqps"; }

    @Override protected boolean tls() { return true; }
}
