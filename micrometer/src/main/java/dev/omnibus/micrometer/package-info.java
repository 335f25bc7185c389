/**
 * Micrometer metrics for Omnibus: {@link dev.omnibus.micrometer.OmnibusMetrics} is the entry point;
 * {@link dev.omnibus.micrometer.OmnibusMetricsProvider} wires it by ServiceLoader.
 */
package dev.omnibus.micrometer;
