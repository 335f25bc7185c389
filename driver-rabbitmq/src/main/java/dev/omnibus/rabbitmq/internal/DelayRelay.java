package dev.omnibus.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves delayed messages through the {@link DelayLevels}: one manual-ack consumer per level queue, on one
 * channel of the transport's connection. A message received from level {@code k} is held, unacknowledged,
 * until {@link DelayLevels#leaveAtMillis its time in that level is up}, then republished (persistent, with a
 * publisher confirm) to the next exchange, and acknowledged only once the broker confirmed that publish. So a
 * broker crash loses nothing that was confirmed (the move is at least once: a crash between the confirm and
 * the ack moves it twice, and the core's idempotency deduplicates by id), and a relay that dies gives its held
 * messages back to the queue, where the relay of another process, or the next one started, takes them.
 *
 * <p>Every message of a level waits there equally long, so a level's messages leave in queue order: the relay
 * holds at most {@link #PREFETCH} per level, the queue's head first. It never holds one longer than the hold
 * window: the broker's {@code consumer_timeout} (30 min by default) closes a channel holding a delivery longer.
 * A message due later than that pauses its level (its consumer is cancelled and the message given back) until
 * it is within the window; later messages of that level are due later still.
 *
 * <p>Every process that uses delays or subscribes runs one; queues are shared, so the broker spreads a level's
 * messages over the relays consuming it, each moving what it holds when due.
 */
final class DelayRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DelayRelay.class);

    /** Most messages held per level (the consumer's prefetch). */
    static final int PREFETCH = 64;

    /** Publishes a move: to {@code exchange} with the routing key and properties unchanged; completes on the confirm. */
    interface Mover {
        CompletableFuture<?> move(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body);
    }

    private final Connection connection;
    private final Runnable redeclare;
    private final Mover mover;
    private final long holdWindowMillis;
    private final ScheduledExecutorService timer;
    /** Bumped when the channel is recovered: held deliveries of an older generation were given back by the broker. */
    private final AtomicLong generation = new AtomicLong();
    private final Level[] levels = new Level[DelayLevels.LEVELS];
    private Channel channel;
    private volatile boolean closed;

    /**
     * @param redeclare declares the levels again (idempotent), before the relay starts over after a channel error
     *                  or a level queue's consumer was cancelled by the broker (queue deleted, or its node down)
     */
    DelayRelay(Connection connection, Runnable redeclare, Mover mover, Duration holdWindow) {
        this.connection = connection;
        this.redeclare = redeclare;
        this.mover = mover;
        this.holdWindowMillis = holdWindow.toMillis();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibus-rabbitmq-delay-relay");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the channel and consumes every level (the levels must be declared). */
    synchronized void start() throws IOException {
        if (closed) return;
        generation.incrementAndGet();
        channel = connection.createChannel();
        channel.basicQos(PREFETCH, false);
        Channel opened = channel;
        channel.addShutdownListener(cause -> {
            // a channel error (not a connection failure, which automatic recovery handles): start over on a new one
            if (!closed && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                log.warn("The delay relay's channel closed ({}); opening a new one", cause.getMessage());
                schedule(() -> restart(opened), 1_000);
            }
        });
        if (channel instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override public void handleRecovery(Recoverable r) { recovered(); }
                @Override public void handleRecoveryStarted(Recoverable r) { }
            });
        }
        for (int k = 0; k < DelayLevels.LEVELS; k++) {
            levels[k] = new Level(k);
            levels[k].consume();
        }
    }

    /**
     * The channel came back after a connection failure: the broker gave every held delivery back to its queue
     * when the old connection died, so held ones are forgotten (their timers do nothing), consumers the client
     * re-registered go on, and paused levels resume on their timers.
     */
    private void recovered() { generation.incrementAndGet(); }

    /**
     * Starts over on a new channel: declares the levels again first (a failure, e.g. a level queue whose node is
     * down, leaves the current channel consuming what it can and is retried in 5 s), then closes the old channel
     * (the broker gives back what it held) and consumes every level on a new one. Runs on the timer thread.
     */
    private void restart(Channel failed) {
        synchronized (this) {
            if (closed || channel != failed) return;
        }
        try {
            redeclare.run();
        } catch (RuntimeException e) {
            log.warn("The delay relay could not declare the delay levels again ({}); trying again in 5 s", e.getMessage());
            schedule(() -> restart(failed), 5_000);
            return;
        }
        try {
            if (failed.isOpen()) failed.close();
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            log.debug("Closing the delay relay's old channel: {}", e.toString());
        }
        try {
            start();
        } catch (IOException | RuntimeException e) {
            log.warn("The delay relay could not start over ({}); trying again in 5 s", e.toString());
            schedule(() -> restart(currentChannel()), 5_000);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Channel ch;
        synchronized (this) { ch = channel; }
        try {
            if (ch != null && ch.isOpen()) ch.close(); // gives every held message back to its queue
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            log.debug("Closing the delay relay's channel: {}", e.toString());
        }
    }

    private synchronized Channel currentChannel() { return channel; }

    private void schedule(Runnable task, long delayMillis) {
        try {
            timer.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the channel close gives what is held back to the queue
        }
    }

    /** One level's consumer and what it holds. */
    private final class Level extends DefaultConsumer {
        private final int k;
        private final String queue;
        private boolean paused;
        private long consumers;

        Level(int k) {
            super(channel);
            this.k = k;
            this.queue = DelayLevels.level(k);
        }

        /** Starts (or restarts after a pause) the level's consumer. */
        void consume() throws IOException {
            String tag;
            synchronized (this) {
                paused = false;
                tag = "omnibus-delay-relay-" + k + "-" + (++consumers) + "-" + Long.toHexString(System.nanoTime());
            }
            getChannel().basicConsume(queue, false, tag, this);
        }

        @Override
        public void handleCancel(String consumerTag) {
            // the broker cancelled it: the level queue was deleted, or (on a cluster) its node went down
            log.warn("The broker cancelled the delay relay's consumer of {} (queue deleted or its node down); "
                    + "declaring the levels again and starting over in 5 s", queue);
            Channel ch = getChannel();
            schedule(() -> restart(ch), 5_000);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            long gen = generation.get();
            long leaveAt = DelayLevels.leaveAtMillis(k, envelope.getRoutingKey(), due(props));
            long wait = leaveAt - System.currentTimeMillis();
            synchronized (this) {
                if (closed) return; // the channel close gives it back
                if (paused) {
                    giveBack(envelope.getDeliveryTag());
                    return;
                }
                if (wait > holdWindowMillis) {
                    paused = true;
                    giveBack(envelope.getDeliveryTag());
                    String consumerTag = tag;
                    schedule(() -> pause(consumerTag, leaveAt), 0);
                    return;
                }
            }
            schedule(() -> move(gen, envelope, props, body), wait);
        }

        /** Cancels the consumer and resumes it once {@code leaveAt} is within the hold window. */
        private void pause(String consumerTag, long leaveAt) {
            try {
                getChannel().basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                log.debug("Pausing delay level {}: {}", k, e.toString());
            }
            log.debug("Delay level {} paused until {} ms before its head is due", k, holdWindowMillis);
            schedule(this::resume, leaveAt - holdWindowMillis - System.currentTimeMillis());
        }

        private void resume() {
            if (closed || getChannel() != currentChannel()) return;
            try {
                consume();
            } catch (IOException | RuntimeException e) {
                // the connection is down: try again once automatic recovery had a chance
                log.debug("Resuming delay level {}: {}", k, e.toString());
                schedule(this::resume, 1_000);
            }
        }

        private void move(long gen, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            if (closed || gen != generation.get()) return; // given back by the broker already
            CompletableFuture<?> moved;
            try {
                moved = mover.move(DelayLevels.next(k), envelope.getRoutingKey(), props, body);
            } catch (RuntimeException e) {
                moved = CompletableFuture.failedFuture(e);
            }
            moved.whenComplete((r, e) -> settle(gen, envelope.getDeliveryTag(), e));
        }

        private void settle(long gen, long deliveryTag, Throwable failure) {
            if (closed || gen != generation.get()) return;
            try {
                if (failure == null) getChannel().basicAck(deliveryTag, false);
                else {
                    log.debug("Moving a delayed message out of level {} failed, given back: {}", k, failure.toString());
                    getChannel().basicNack(deliveryTag, false, true);
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Settling a delayed message of level {}: {}", k, e.toString());
            }
        }

        private void giveBack(long deliveryTag) {
            try {
                getChannel().basicNack(deliveryTag, false, true);
            } catch (IOException | RuntimeException e) {
                log.debug("Giving back a delayed message of level {}: {}", k, e.toString());
            }
        }
    }

    /** The due time in epoch milliseconds; a message without one (not published by this driver) is due now. */
    private static long due(AMQP.BasicProperties props) {
        Map<String, Object> headers = props.getHeaders();
        Object v = headers == null ? null : headers.get(DelayLevels.DUE_HEADER);
        if (v instanceof Number n) return n.longValue();
        if (v != null) {
            try {
                return Long.parseLong(v.toString());
            } catch (NumberFormatException ignored) {
                // not ours: move it on now
            }
        }
        return System.currentTimeMillis();
    }
}
