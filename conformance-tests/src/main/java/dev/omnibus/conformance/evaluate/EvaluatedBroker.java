package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;

/** Hands the broker chosen on the command line to {@link EvaluatedBrokerConformanceTest}. */
final class EvaluatedBroker {
    private static volatile BrokerFixture fixture;

    private EvaluatedBroker() {}

    static void set(BrokerFixture f) { fixture = f; }

    static BrokerFixture get() {
        BrokerFixture f = fixture;
        if (f == null) throw new IllegalStateException("No broker chosen: run the kit through EvaluateCommand");
        return f;
    }
}
