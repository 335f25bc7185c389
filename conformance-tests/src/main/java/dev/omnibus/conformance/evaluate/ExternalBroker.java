package dev.omnibus.conformance.evaluate;

import dev.omnibus.conformance.BrokerFixture;
import dev.omnibus.internal.Redaction;

import java.util.Map;

/** A broker someone else runs, reached by URL. The kit never stops it. */
record ExternalBroker(String url, Map<String, String> options) implements BrokerFixture {
    @Override public String name() { return Redaction.scrubUrls(url).replaceAll("\\?.*", ""); }
    @Override public void start() {}
    @Override public void close() {}
}
