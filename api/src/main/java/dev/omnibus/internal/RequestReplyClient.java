package dev.omnibus.internal;

import dev.omnibus.ClosedException;
import dev.omnibus.Message;
import dev.omnibus.RemoteHandlerException;
import dev.omnibus.RequestReply;
import dev.omnibus.RequestTimeoutException;
import dev.omnibus.spi.Inbound;
import dev.omnibus.spi.ReplyInbox;
import dev.omnibus.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The requester side of request/reply: one reply inbox per {@code Messaging} instance (opened on the
 * first request), correlation by the request id, timeouts on the shared scheduler. Replies complete
 * the caller's future on the callback executor, never on a driver thread.
 */
final class RequestReplyClient {
    private static final Logger log = LoggerFactory.getLogger(RequestReplyClient.class);

    private final Transport transport;
    private final String inboxTopic;
    private final ScheduledExecutorService scheduler;
    private final Executor callbacks;
    private final Map<String, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    private volatile ReplyInbox inbox;
    private volatile boolean closed;

    private final ObservedSender sender;

    RequestReplyClient(Transport transport, ObservedSender sender, String inboxTopic, ScheduledExecutorService scheduler,
                       Executor callbacks) {
        this.transport = transport;
        this.sender = sender;
        this.inboxTopic = inboxTopic;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
    }

    CompletableFuture<Message> request(String topic, Message request, Duration timeout) {
        if (closed) return CompletableFuture.failedFuture(new ClosedException("Messaging"));
        String address = inbox().address();
        String correlationId = request.id();
        Message outgoing = request.toBuilder()
                .extension(RequestReply.REPLY_TO, address)
                .extension(RequestReply.CORRELATION_ID, correlationId)
                .build();
        CompletableFuture<Message> result = new CompletableFuture<>();
        pending.put(correlationId, result);
        var timer = scheduler.schedule(() -> {
            CompletableFuture<Message> f = pending.remove(correlationId);
            if (f != null) callbacks.execute(() -> f.completeExceptionally(new RequestTimeoutException(topic, correlationId, timeout)));
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timer.cancel(false));
        sender.send(topic, outgoing, dev.omnibus.observation.PublishKind.REQUEST, null).whenComplete((receipt, error) -> {
            if (error != null) {
                CompletableFuture<Message> f = pending.remove(correlationId);
                if (f != null) callbacks.execute(() -> f.completeExceptionally(error));
            }
        });
        return result;
    }

    private ReplyInbox inbox() {
        ReplyInbox i = inbox;
        if (i != null) return i;
        synchronized (this) {
            if (inbox == null) inbox = transport.openReplyInbox(inboxTopic, this::onReply);
            return inbox;
        }
    }

    private void onReply(Inbound inbound) {
        Message reply;
        try {
            reply = inbound.message();
        } catch (RuntimeException e) {
            log.warn("Discarding unreadable reply at {}: {}", inbound.position(), e.getMessage());
            inbound.ack();
            return;
        }
        inbound.ack();
        String correlationId = reply.extension(RequestReply.CORRELATION_ID);
        CompletableFuture<Message> f = correlationId == null ? null : pending.remove(correlationId);
        if (f == null) {
            log.debug("Reply {} matches no pending request (late or foreign); discarded", correlationId);
            return;
        }
        String errorType = reply.extension(RequestReply.ERROR_TYPE);
        if (errorType != null) {
            callbacks.execute(() -> f.completeExceptionally(
                    new RemoteHandlerException(errorType, String.valueOf(reply.extension(RequestReply.ERROR)))));
        } else {
            callbacks.execute(() -> f.complete(reply));
        }
    }

    void close() {
        closed = true;
        pending.forEach((id, f) -> f.completeExceptionally(new ClosedException("Messaging")));
        pending.clear();
        ReplyInbox i = inbox;
        if (i != null) {
            i.subscription().stopReceiving();
            i.subscription().close();
        }
    }
}
