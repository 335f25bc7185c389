package dev.omnibus.conformance;

import dev.omnibus.MessagingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.UUID;

/**
 * Base of a module's scenario tests that run once per broker: one subclass per broker returns a new,
 * unstarted fixture (or {@code null} for the in-memory driver); the broker is started before the
 * class's tests and closed after them. Used by the integration modules (OpenTelemetry, Micrometer),
 * whose scenarios are not part of the kit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrokerScenarios {
    private BrokerFixture broker;

    /** A new, unstarted broker, or {@code null} for the in-memory driver. */
    protected abstract BrokerFixture newBroker();

    /** The {@code messaging.system} the driver reports ({@code memory}, {@code kafka}, …). */
    protected abstract String system();

    @BeforeAll
    final void startBroker() throws Exception {
        broker = newBroker();
        if (broker != null) broker.start();
    }

    @AfterAll
    final void stopBroker() {
        if (broker != null) broker.close();
    }

    /** The started broker, or {@code null} on memory. */
    protected final BrokerFixture broker() { return broker; }

    /**
     * A configuration for the broker (URL and options); on memory for a broker named {@code memoryName}
     * (give two instances the same name to let them talk). Observer discovery is off.
     */
    protected final MessagingConfig.Builder config(String memoryName) {
        MessagingConfig.Builder b = broker == null ? MessagingConfig.builder("memory://" + memoryName)
                : MessagingConfig.builder(broker.url()).options(broker.options());
        return b.option("closeTimeout", "5s").discoverObservers(false);
    }

    /** A fresh memory broker name. */
    protected static String memoryName(String prefix) { return prefix + "-" + UUID.randomUUID(); }
}
