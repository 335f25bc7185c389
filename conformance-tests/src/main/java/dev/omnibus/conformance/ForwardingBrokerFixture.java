package dev.omnibus.conformance;

import dev.omnibus.conformance.faults.TcpProxy;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link BrokerFixture} that forwards every method to another one: extend it and override only what
 * you add (extra options, a native foreign publisher, a {@code close()} that leaves a shared broker
 * running). New {@code BrokerFixture} methods are forwarded here once, not in every wrapper.
 */
public abstract class ForwardingBrokerFixture implements BrokerFixture {
    private final BrokerFixture delegate;

    protected ForwardingBrokerFixture(BrokerFixture delegate) {
        if (delegate == null) throw new IllegalArgumentException("delegate fixture must not be null");
        this.delegate = delegate;
    }

    /** The fixture this one forwards to. */
    public BrokerFixture delegate() { return delegate; }

    @Override public String name() { return delegate.name(); }
    @Override public void start() throws Exception { delegate.start(); }
    @Override public String url() { return delegate.url(); }
    @Override public Map<String, String> options() { return delegate.options(); }
    @Override public boolean supportsRestart() { return delegate.supportsRestart(); }
    @Override public void kill() { delegate.kill(); }
    @Override public void stop() { delegate.stop(); }
    @Override public void restart() { delegate.restart(); }
    @Override public Optional<TcpProxy> clientProxy() { return delegate.clientProxy(); }
    @Override public Optional<ForeignPublisher> foreignPublisher() { return delegate.foreignPublisher(); }
    @Override public Pattern positionFormat() { return delegate.positionFormat(); }
    @Override public void close() { delegate.close(); }
    @Override public String toString() { return delegate.toString(); }
}
