/**
 * OpenTelemetry tracing for Omnibus: {@link dev.omnibus.opentelemetry.OmnibusTelemetry} is the entry
 * point; {@link dev.omnibus.opentelemetry.OmnibusTelemetryProvider} wires it by ServiceLoader.
 */
package dev.omnibus.opentelemetry;
