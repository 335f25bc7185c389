package dev.omnibus.internal;

import dev.omnibus.MessagingConfig;
import dev.omnibus.PublishReceipt;
import dev.omnibus.observation.MessagingObserver;
import dev.omnibus.observation.MessagingObserverProvider;
import dev.omnibus.observation.ObservedClient;
import dev.omnibus.observation.ProcessContext;
import dev.omnibus.observation.ProcessObservation;
import dev.omnibus.observation.PublishContext;
import dev.omnibus.observation.PublishObservation;
import dev.omnibus.observation.SettleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The observers of one instance behind one {@link MessagingObserver}: every call goes to each of them in
 * order, and an observer that throws is logged (once per observer and method) and skipped, so a broken
 * exporter never fails a publish or a handler.
 */
final class Observers implements MessagingObserver {
    private static final Logger log = LoggerFactory.getLogger(Observers.class);
    private final List<MessagingObserver> observers;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private Observers(List<MessagingObserver> observers) { this.observers = observers; }

    /** The configured and discovered observers, or {@code null} when there are none (nothing is observed). */
    static Observers of(MessagingConfig config) {
        List<MessagingObserver> all = new ArrayList<>(config.observers());
        if (config.discoverObservers()) {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            for (MessagingObserverProvider p : ServiceLoader.load(MessagingObserverProvider.class,
                    cl == null ? Observers.class.getClassLoader() : cl)) {
                try {
                    MessagingObserver o = p.create(config);
                    if (o != null) all.add(o);
                } catch (RuntimeException | LinkageError e) {
                    log.warn("Observer provider {} failed and is left out: {}", p.getClass().getName(), e.toString());
                }
            }
        }
        return all.isEmpty() ? null : new Observers(List.copyOf(all));
    }

    private void report(MessagingObserver o, String what, Throwable e) {
        if (reported.add(o.getClass().getName() + "#" + what)) {
            log.warn("Observer {} failed in {} and is skipped there (reported once): {}", o.getClass().getName(), what, e.toString());
        }
    }

    private <T> T call(MessagingObserver o, String what, Supplier<T> call, T fallback) {
        try {
            T t = call.get();
            return t == null ? fallback : t;
        } catch (RuntimeException | LinkageError e) {
            report(o, what, e);
            return fallback;
        }
    }

    private void run(MessagingObserver o, String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            report(o, what, e);
        }
    }

    @Override public void connected(ObservedClient client) { for (MessagingObserver o : observers) run(o, "connected", () -> o.connected(client)); }

    @Override public void closed(ObservedClient client) { for (MessagingObserver o : observers) run(o, "closed", () -> o.closed(client)); }

    @Override public void settled(SettleContext settle) { for (MessagingObserver o : observers) run(o, "settled", () -> o.settled(settle)); }

    @Override
    public PublishObservation publish(PublishContext publish) {
        List<PublishObservation> each = new ArrayList<>(observers.size());
        Map<String, String> extensions = new LinkedHashMap<>();
        for (MessagingObserver o : observers) {
            PublishObservation p = call(o, "publish", () -> o.publish(publish), PublishObservation.NOOP);
            each.add(p);
            extensions.putAll(call(o, "publish.extensions", p::extensions, Map.of()));
        }
        Map<String, String> added = Map.copyOf(extensions);
        return new PublishObservation() {
            @Override public Map<String, String> extensions() { return added; }
            @Override public void completed(PublishReceipt receipt) {
                for (int i = 0; i < each.size(); i++) { PublishObservation p = each.get(i); run(observers.get(i), "publish.completed", () -> p.completed(receipt)); }
            }
            @Override public void failed(Throwable error) {
                for (int i = 0; i < each.size(); i++) { PublishObservation p = each.get(i); run(observers.get(i), "publish.failed", () -> p.failed(error)); }
            }
        };
    }

    @Override
    public ProcessObservation process(ProcessContext process) {
        List<ProcessObservation> each = new ArrayList<>(observers.size());
        for (MessagingObserver o : observers) each.add(call(o, "process", () -> o.process(process), ProcessObservation.NOOP));
        return new ProcessObservation() {
            @Override public void succeeded() {
                for (int i = 0; i < each.size(); i++) { ProcessObservation p = each.get(i); run(observers.get(i), "process.succeeded", p::succeeded); }
            }
            @Override public void failed(Throwable error, boolean willRetry) {
                for (int i = 0; i < each.size(); i++) { ProcessObservation p = each.get(i); run(observers.get(i), "process.failed", () -> p.failed(error, willRetry)); }
            }
            @Override public void close() { // reverse order, as scopes nest
                for (int i = each.size() - 1; i >= 0; i--) { ProcessObservation p = each.get(i); run(observers.get(i), "process.close", p::close); }
            }
        };
    }
}
