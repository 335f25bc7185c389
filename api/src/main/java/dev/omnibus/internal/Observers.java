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

/**
 * The observers of one instance behind one {@link MessagingObserver}: every call goes to each of them in
 * order, and an observer that throws is logged (once per observer and method) and skipped, so a broken
 * exporter never fails a publish or a handler.
 */
final class Observers implements MessagingObserver {
    private static final Logger log = LoggerFactory.getLogger(Observers.class);
    private final MessagingObserver[] all;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private Observers(List<MessagingObserver> observers) { this.all = observers.toArray(MessagingObserver[]::new); }

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

    @Override
    public void connected(ObservedClient client) {
        for (MessagingObserver o : all) {
            try { o.connected(client); } catch (RuntimeException | LinkageError e) { report(o, "connected", e); }
        }
    }

    @Override
    public void closed(ObservedClient client) {
        for (MessagingObserver o : all) {
            try { o.closed(client); } catch (RuntimeException | LinkageError e) { report(o, "closed", e); }
        }
    }

    @Override
    public void settled(SettleContext settle) {
        for (MessagingObserver o : all) {
            try { o.settled(settle); } catch (RuntimeException | LinkageError e) { report(o, "settled", e); }
        }
    }

    // The publish and process paths run per message: arrays and plain loops, no lambdas or copies.

    @Override
    public PublishObservation publish(PublishContext publish) {
        PublishObservation[] each = new PublishObservation[all.length];
        Map<String, String> extensions = Map.of();
        boolean merged = false;
        for (int i = 0; i < all.length; i++) {
            MessagingObserver o = all[i];
            PublishObservation p;
            try {
                p = o.publish(publish);
                if (p == null) p = PublishObservation.NOOP;
            } catch (RuntimeException | LinkageError e) {
                report(o, "publish", e);
                p = PublishObservation.NOOP;
            }
            each[i] = p;
            Map<String, String> added;
            try {
                added = p.extensions();
            } catch (RuntimeException | LinkageError e) {
                report(o, "publish.extensions", e);
                added = null;
            }
            if (added == null || added.isEmpty()) continue;
            if (extensions.isEmpty()) {
                extensions = added;                 // the common case: one observer adds trace context
            } else {
                if (!merged) { extensions = new LinkedHashMap<>(extensions); merged = true; }
                extensions.putAll(added);
            }
        }
        return new CompositePublish(each, extensions);
    }

    private final class CompositePublish implements PublishObservation {
        private final PublishObservation[] each;
        private final Map<String, String> extensions;

        CompositePublish(PublishObservation[] each, Map<String, String> extensions) {
            this.each = each;
            this.extensions = extensions;
        }

        @Override public Map<String, String> extensions() { return extensions; }

        @Override
        public void completed(PublishReceipt receipt) {
            for (int i = 0; i < each.length; i++) {
                try { each[i].completed(receipt); } catch (RuntimeException | LinkageError e) { report(all[i], "publish.completed", e); }
            }
        }

        @Override
        public void failed(Throwable error) {
            for (int i = 0; i < each.length; i++) {
                try { each[i].failed(error); } catch (RuntimeException | LinkageError e) { report(all[i], "publish.failed", e); }
            }
        }
    }

    @Override
    public ProcessObservation process(ProcessContext process) {
        ProcessObservation[] each = new ProcessObservation[all.length];
        for (int i = 0; i < all.length; i++) {
            MessagingObserver o = all[i];
            ProcessObservation p;
            try {
                p = o.process(process);
            } catch (RuntimeException | LinkageError e) {
                report(o, "process", e);
                p = null;
            }
            each[i] = p == null ? ProcessObservation.NOOP : p;
        }
        return new CompositeProcess(each);
    }

    private final class CompositeProcess implements ProcessObservation {
        private final ProcessObservation[] each;

        CompositeProcess(ProcessObservation[] each) { this.each = each; }

        @Override
        public void succeeded() {
            for (int i = 0; i < each.length; i++) {
                try { each[i].succeeded(); } catch (RuntimeException | LinkageError e) { report(all[i], "process.succeeded", e); }
            }
        }

        @Override
        public void failed(Throwable error, boolean willRetry) {
            for (int i = 0; i < each.length; i++) {
                try { each[i].failed(error, willRetry); } catch (RuntimeException | LinkageError e) { report(all[i], "process.failed", e); }
            }
        }

        @Override
        public void close() { // reverse order, as scopes nest
            for (int i = each.length - 1; i >= 0; i--) {
                try { each[i].close(); } catch (RuntimeException | LinkageError e) { report(all[i], "process.close", e); }
            }
        }
    }
}
