/**
 * Spring Boot support: the auto-configured {@link dev.omnibus.Messaging} ({@link dev.omnibus.spring.boot.OmnibusProperties}),
 * {@link dev.omnibus.spring.boot.OmnibusListener} and {@link dev.omnibus.spring.boot.OmnibusResponder} methods, their
 * lifecycle ({@link dev.omnibus.spring.boot.OmnibusListenerContainer}) and Actuator health.
 */
package dev.omnibus.spring.boot;
