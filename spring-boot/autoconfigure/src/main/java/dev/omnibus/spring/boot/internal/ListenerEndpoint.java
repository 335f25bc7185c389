package dev.omnibus.spring.boot.internal;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.MessageHandler;
import dev.omnibus.Messaging;
import dev.omnibus.RequestHandler;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.Subscription;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Function;

/**
 * One validated {@code @OmnibusListener} or {@code @OmnibusResponder} method: its topic, options and how
 * to call it with a delivery. Built by {@link EndpointFactory}; immutable.
 */
public final class ListenerEndpoint {
    private final String description;
    private final String topic;
    private final SubscribeOptions options;
    private final Object bean;
    private final Method method;
    private final Function<Delivery, Object>[] arguments;
    private final String replyType; // null for a listener

    ListenerEndpoint(String description, String topic, SubscribeOptions options, Object bean, Method method,
                     Function<Delivery, Object>[] arguments, String replyType) {
        this.description = description;
        this.topic = topic;
        this.options = options;
        this.bean = bean;
        this.method = method;
        this.arguments = arguments;
        this.replyType = replyType;
        method.setAccessible(true);
    }

    /** {@code @OmnibusListener bean.method(Type)}, for logs and errors. */
    public String description() { return description; }
    public String topic() { return topic; }
    public SubscribeOptions options() { return options; }
    public boolean isResponder() { return replyType != null; }

    /** Subscribes (or responds) on {@code messaging}. */
    public Subscription open(Messaging messaging) {
        if (isResponder()) {
            RequestHandler handler = delivery -> toReply(invoke(delivery));
            return messaging.respond(topic, options, handler);
        }
        MessageHandler handler = this::invoke;
        return messaging.subscribe(topic, options, handler);
    }

    private Message toReply(Object result) {
        if (result instanceof Message m) return m;
        return Message.of(replyType, result);
    }

    private Object invoke(Delivery delivery) throws Exception {
        Object[] args = new Object[arguments.length];
        for (int i = 0; i < args.length; i++) args[i] = arguments[i].apply(delivery);
        try {
            return method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) throw ex;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    @Override
    public String toString() { return description + " on " + topic + " " + options; }
}
