package dev.omnibus.observation;

import dev.omnibus.MessagingConfig;

/**
 * Creates an observer for every {@code Messaging} instance connected while the provider is on the class
 * path (listed in {@code META-INF/services/dev.omnibus.observation.MessagingObserverProvider}), as
 * SLF4J finds its binding. {@link MessagingConfig.Builder#discoverObservers(boolean)} turns discovery
 * off; observers given with {@link MessagingConfig.Builder#observer} are always used.
 */
public interface MessagingObserverProvider {
    /** The observer for one instance, or {@code null} to stay out of it. */
    MessagingObserver create(MessagingConfig config);
}
