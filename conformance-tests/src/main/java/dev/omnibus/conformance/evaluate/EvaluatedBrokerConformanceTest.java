package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.conformance.MessagingConformanceKit;

/** The kit bound to whatever broker {@code ./omnibus evaluate} was pointed at. Not run by Surefire. */
public class EvaluatedBrokerConformanceTest extends MessagingConformanceKit {
    @Override protected BrokerFixture createFixture() { return EvaluatedBroker.get(); }
}
