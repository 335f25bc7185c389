package dev.omnibus.samples.springboot;

import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts listener attempts into Spring Boot's {@link MeterRegistry} as {@code omnibus.sample.handler.attempts}
 * (tags topic, group, outcome), visible at {@code /actuator/metrics}. A stand-in for the {@code omnibus-micrometer}
 * module's observer: with it, this class is replaced by declaring that observer as a bean.
 */
public class ListenerCounters implements MessagingObserver {
    public static final String METER = "omnibus.sample.handler.attempts";
    private final MeterRegistry registry;

    public ListenerCounters(MeterRegistry registry) { this.registry = registry; }

    @Override
    public ProcessObservation process(ProcessContext process) {
        String topic = process.delivery().topic();
        String group = process.delivery().group() == null ? "none" : process.delivery().group();
        return new ProcessObservation() {
            @Override public void succeeded() { registry.counter(METER, "topic", topic, "group", group, "outcome", "success").increment(); }
            @Override public void failed(Throwable error, boolean willRetry) {
                registry.counter(METER, "topic", topic, "group", group, "outcome", willRetry ? "retry" : "failure").increment();
            }
        };
    }
}
