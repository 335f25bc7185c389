/**
 * The observation SPI: how metrics and tracing integrations ({@code omnibus-micrometer},
 * {@code omnibus-opentelemetry}, or an application's own) see what Omnibus does, the same on every
 * driver. No third-party type appears here; an integration implements {@link
 * dev.omnibus.observation.MessagingObserver} and is registered with
 * {@link dev.omnibus.MessagingConfig.Builder#observer} or found through {@link java.util.ServiceLoader}
 * ({@link dev.omnibus.observation.MessagingObserverProvider}). With no observer, Omnibus calls nothing
 * and allocates nothing for observation.
 */
package dev.omnibus.observation;
