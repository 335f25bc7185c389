package dev.omnibus.spring.boot.internal;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.RetryPolicy;
import dev.omnibus.SubscribeOptions;
import dev.omnibus.idempotency.IdempotencyStore;
import dev.omnibus.spring.boot.OmnibusListener;
import dev.omnibus.spring.boot.OmnibusResponder;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns an annotated method into a {@link ListenerEndpoint}, failing with a {@link BeanCreationException}
 * naming the bean and the method when the declaration is invalid (bad topic, two payload parameters,
 * a listener returning a value, a responder returning nothing, an unknown idempotency store bean...).
 */
public final class EndpointFactory {
    private final Environment environment;
    private final BeanFactory beanFactory;

    public EndpointFactory(Environment environment, BeanFactory beanFactory) {
        this.environment = environment;
        this.beanFactory = beanFactory;
    }

    public ListenerEndpoint listener(String beanName, Object bean, Method method, OmnibusListener a) {
        String where = "@OmnibusListener " + signature(beanName, method);
        try {
            requireInvocable(where, method);
            if (method.getReturnType() != void.class) {
                throw invalid(where, "returns " + method.getReturnType().getSimpleName()
                        + "; a listener returns void (use @OmnibusResponder to answer requests)");
            }
            String topic = required(where, "topic", a.topic());
            SubscribeOptions options = base(a.group()).concurrency(a.concurrency())
                    .startFrom(a.startFrom()).ordering(a.ordering());
            if (a.maxInFlight() != 0) options = options.maxInFlight(a.maxInFlight());
            if (a.handleOnDeliveryThread()) options = options.handleOnDeliveryThread(true);
            options = options.retry(retry(where, a));
            if (!a.deadLetterEnabled()) {
                if (!a.deadLetter().isBlank()) throw invalid(where, "sets deadLetter=\"" + a.deadLetter()
                        + "\" and deadLetterEnabled=false; keep one of them");
                options = options.noDeadLetter();
            } else if (!a.deadLetter().isBlank()) {
                options = options.deadLetter(resolve(a.deadLetter()));
            }
            if (!a.idempotencyStore().isBlank()) options = options.idempotency(store(where, resolve(a.idempotencyStore())));
            return new ListenerEndpoint(where, topic, options, bean, method, arguments(where, method), null);
        } catch (ConfigurationException e) {
            throw invalid(where, "is misconfigured: " + e.getMessage());
        }
    }

    public ListenerEndpoint responder(String beanName, Object bean, Method method, OmnibusResponder a) {
        String where = "@OmnibusResponder " + signature(beanName, method);
        try {
            requireInvocable(where, method);
            if (method.getReturnType() == void.class) {
                throw invalid(where, "returns void; a responder returns the reply (a Message or a value encoded as JSON)");
            }
            String topic = required(where, "topic", a.topic());
            SubscribeOptions options = base(a.group()).concurrency(a.concurrency());
            String replyType = a.replyType().isBlank() ? topic + ".reply" : resolve(a.replyType());
            return new ListenerEndpoint(where, topic, options, bean, method, arguments(where, method), replyType);
        } catch (ConfigurationException e) {
            throw invalid(where, "is misconfigured: " + e.getMessage());
        }
    }

    private SubscribeOptions base(String group) {
        String g = resolve(group);
        return g.isBlank() ? SubscribeOptions.defaults() : SubscribeOptions.group(g);
    }

    private RetryPolicy retry(String where, OmnibusListener a) {
        RetryPolicy defaults = SubscribeOptions.defaults().retry();
        int attempts = a.maxAttempts() == 0 ? defaults.maxAttempts() : a.maxAttempts();
        if (attempts < 1) throw invalid(where, "has maxAttempts=" + a.maxAttempts() + "; use 1 (no retry) or more");
        if (attempts == 1) return RetryPolicy.none();
        Duration backoff = Duration.ofMillis(200);
        if (!a.backoff().isBlank()) {
            try {
                backoff = DurationStyle.detectAndParse(resolve(a.backoff()));
            } catch (IllegalArgumentException e) {
                throw invalid(where, "has backoff=\"" + a.backoff() + "\"; use a duration such as 200ms or 1s");
            }
        }
        return a.fixedBackoff() ? RetryPolicy.fixed(attempts, backoff) : RetryPolicy.exponential(attempts, backoff);
    }

    private IdempotencyStore store(String where, String name) {
        try {
            return beanFactory.getBean(name, IdempotencyStore.class);
        } catch (NoSuchBeanDefinitionException e) {
            throw invalid(where, "names idempotencyStore=\"" + name + "\" but there is no IdempotencyStore bean of that name: "
                    + "declare one (e.g. @Bean IdempotencyStore " + name + "() { return new InMemoryIdempotencyStore(...); })");
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<Delivery, Object>[] arguments(String where, Method method) {
        Parameter[] params = method.getParameters();
        Function<Delivery, Object>[] args = new Function[params.length];
        String payload = null;
        for (int i = 0; i < params.length; i++) {
            Class<?> type = params[i].getType();
            if (type == Delivery.class) {
                args[i] = d -> d;
            } else if (type == Message.class) {
                args[i] = Delivery::message;
            } else {
                if (payload != null) {
                    throw invalid(where, "has two payload parameters (" + payload + " and " + params[i].getName()
                            + "); take one payload plus Delivery and/or Message");
                }
                if (type.isPrimitive()) {
                    throw invalid(where, "takes the primitive " + type + " as payload; use its wrapper or a record");
                }
                payload = params[i].getName();
                args[i] = d -> d.data(type);
            }
        }
        return args;
    }

    private String required(String where, String attribute, String value) {
        String resolved = resolve(value);
        if (resolved.isBlank()) throw invalid(where, "has an empty " + attribute + "; name the " + attribute);
        if (!resolved.matches("[A-Za-z0-9._\\-]{1,200}")) {
            throw invalid(where, "has " + attribute + "=\"" + resolved + "\"; use 1-200 characters from A-Z a-z 0-9 . _ -");
        }
        return resolved;
    }

    private String resolve(String value) {
        try {
            return environment.resolveRequiredPlaceholders(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Cannot resolve \"" + value + "\": " + e.getMessage(), e);
        }
    }

    static String signature(String beanName, Method method) {
        return beanName + "." + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }

    static void requireInvocable(String where, Method method) {
        if (Modifier.isStatic(method.getModifiers())) throw invalid(where, "is static; annotate an instance method");
    }

    private static BeanCreationException invalid(String where, String problem) {
        return new BeanCreationException("Invalid " + where + ": it " + problem);
    }
}
