package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The kit bound to whatever broker {@code ./omnibus evaluate} was pointed at. Not run by Surefire. */
public class EvaluatedBrokerConformanceTest extends MessagingConformanceKit {
    @Override protected BrokerFixture createFixture() { return EvaluatedBroker.get(); }

    /** Not known for an arbitrary driver: the kit checks only what holds either way. */
    @Override protected Boolean offersDeliveryThread() { return null; }
}
