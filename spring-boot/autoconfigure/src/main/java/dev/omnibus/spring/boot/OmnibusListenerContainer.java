package dev.omnibus.spring.boot;

import dev.omnibus.Messaging;
import dev.omnibus.Subscription;
import dev.omnibus.spring.boot.internal.EndpointFactory;
import dev.omnibus.spring.boot.internal.ListenerEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds the {@link OmnibusListener} and {@link OmnibusResponder} methods of every singleton bean once all
 * singletons exist (an invalid declaration fails start-up, naming bean and method), subscribes them when
 * the context starts and closes them, draining in-flight handlers, when it stops.
 *
 * <p>Its {@link #PHASE} is above the web server's lifecycle phases: subscriptions start after the web
 * server and stop before it (so an HTTP request still in progress can publish), and all of it happens
 * before singletons such as data sources and the {@link Messaging} bean itself are destroyed.
 */
public class OmnibusListenerContainer implements SmartLifecycle, SmartInitializingSingleton {
    /** Lifecycle phase: after the web server (DEFAULT_PHASE - 1024 / - 2048) on start, before it on stop. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

    private static final Logger log = LoggerFactory.getLogger(OmnibusListenerContainer.class);

    private final Messaging messaging;
    private final ConfigurableListableBeanFactory beanFactory;
    private final Environment environment;
    private final OmnibusProperties.Listener settings;
    private final List<ListenerEndpoint> endpoints = new ArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public OmnibusListenerContainer(Messaging messaging, ConfigurableListableBeanFactory beanFactory,
                                    Environment environment, OmnibusProperties.Listener settings) {
        this.messaging = messaging;
        this.beanFactory = beanFactory;
        this.environment = environment;
        this.settings = settings;
    }

    @Override
    public void afterSingletonsInstantiated() {
        EndpointFactory factory = new EndpointFactory(environment, beanFactory);
        for (String name : beanFactory.getBeanDefinitionNames()) {
            if (!beanFactory.isSingleton(name)) continue;
            Class<?> type = beanFactory.getType(name, false);
            if (type == null) continue;
            // a CGLIB proxy's user class carries the annotations; a JDK proxy only exposes interfaces, so ask its target
            Class<?> target = java.lang.reflect.Proxy.isProxyClass(type)
                    ? AopUtils.getTargetClass(beanFactory.getBean(name)) : ClassUtils.getUserClass(type);
            Map<Method, OmnibusListener> listeners = MethodIntrospector.selectMethods(target,
                    (MethodIntrospector.MetadataLookup<OmnibusListener>) m -> AnnotatedElementUtils.findMergedAnnotation(m, OmnibusListener.class));
            Map<Method, OmnibusResponder> responders = MethodIntrospector.selectMethods(target,
                    (MethodIntrospector.MetadataLookup<OmnibusResponder>) m -> AnnotatedElementUtils.findMergedAnnotation(m, OmnibusResponder.class));
            if (listeners.isEmpty() && responders.isEmpty()) continue;
            Object bean = beanFactory.getBean(name);
            listeners.forEach((m, a) -> endpoints.add(factory.listener(name, bean, invocable(m, bean), a)));
            responders.forEach((m, a) -> endpoints.add(factory.responder(name, bean, invocable(m, bean), a)));
        }
    }

    private static Method invocable(Method method, Object bean) {
        return AopUtils.selectInvocableMethod(method, bean.getClass());
    }

    /** The validated listener and responder methods. */
    public List<ListenerEndpoint> endpoints() { return List.copyOf(endpoints); }

    /** The open subscriptions (empty when stopped). */
    public List<Subscription> subscriptions() { return List.copyOf(subscriptions); }

    @Override
    public synchronized void start() {
        if (running) return;
        try {
            for (ListenerEndpoint endpoint : endpoints) {
                subscriptions.add(endpoint.open(messaging));
                log.info("Subscribed {}", endpoint);
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        closeAll();
        running = false;
    }

    private void closeAll() {
        Duration drain = settings.getDrainTimeout();
        for (Subscription s : subscriptions) {
            try {
                s.close(drain); // stops fetching, waits for in-flight handlers, settles them
            } catch (RuntimeException e) {
                log.warn("Closing the subscription to {} failed: {}", s.topic(), e.toString());
            }
        }
        subscriptions.clear();
    }

    @Override public boolean isRunning() { return running; }
    @Override public boolean isAutoStartup() { return settings.isAutoStartup(); }
    @Override public int getPhase() { return PHASE; }
}
