package dev.omnibus.internal;

import dev.omnibus.DriverNotFoundException;
import dev.omnibus.spi.MessagingDriver;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** ServiceLoader discovery of drivers by scheme, cached per class loader (the thread's context loader first). */
final class DriverRegistry {
    private static final Map<ClassLoader, Map<String, MessagingDriver>> CACHE = new ConcurrentHashMap<>();

    private DriverRegistry() {}

    static MessagingDriver find(String scheme) {
        Map<String, MessagingDriver> drivers = drivers();
        MessagingDriver d = drivers.get(scheme);
        if (d == null) throw new DriverNotFoundException(scheme, new TreeSet<>(drivers.keySet()));
        return d;
    }

    /** Every driver on the class path, one per scheme. */
    static Collection<MessagingDriver> all() { return drivers().values(); }

    private static Map<String, MessagingDriver> drivers() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) cl = DriverRegistry.class.getClassLoader();
        return CACHE.computeIfAbsent(cl, loader -> {
            Map<String, MessagingDriver> m = new LinkedHashMap<>();
            for (MessagingDriver d : ServiceLoader.load(MessagingDriver.class, loader)) m.putIfAbsent(d.scheme(), d);
            return m;
        });
    }
}
