package dev.omnibus.conformance.history;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.PublishReceipt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Jepsen-style record of one test: every publish attempt with its outcome and every delivery per
 * group. {@link #verdict(String)} turns it into counts (attempted, acknowledged, received, lost,
 * duplicated, out-of-order, redelivered) that every kit assertion prints on failure. Thread-safe.
 */
public final class History {
    /** Extension carrying the per-key sequence number of kit messages. */
    public static final String SEQ = "kitseq";

    /** Outcome of one publish attempt. */
    public enum Outcome { ACKNOWLEDGED, FAILED, INDETERMINATE }

    record Attempt(String id, String key, long seq, Outcome outcome) {}

    record Received(String group, String id, String key, long seq, int attempt, int deliveryCount) {}

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Received> deliveries = new ConcurrentLinkedQueue<>();

    /** A kit message: {@code key} with sequence {@code seq} in the {@value #SEQ} extension. */
    public static Message message(String key, long seq) {
        return Message.builder().type("dev.omnibus.kit.Event").key(key).extension(SEQ, Long.toString(seq))
                .data(("{\"key\":\"" + key + "\",\"seq\":" + seq + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "application/json").build();
    }

    /** Records a publish and its eventual outcome. */
    public CompletableFuture<PublishReceipt> track(Message message, CompletableFuture<PublishReceipt> publish) {
        long seq = seqOf(message);
        attempts.put(message.id(), new Attempt(message.id(), message.key(), seq, Outcome.INDETERMINATE));
        return publish.whenComplete((r, e) -> attempts.put(message.id(), new Attempt(message.id(), message.key(), seq,
                e == null ? Outcome.ACKNOWLEDGED : (isIndeterminate(e) ? Outcome.INDETERMINATE : Outcome.FAILED))));
    }

    private static boolean isIndeterminate(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof dev.omnibus.PublishException p && p.indeterminate() || t instanceof TimeoutException;
    }

    /** Waits for every tracked publish to finish (acknowledged or not), at most {@code seconds}. */
    public static void awaitAll(Collection<CompletableFuture<PublishReceipt>> publishes, long seconds) {
        try {
            CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException ignored) {
            // individual outcomes are recorded by track()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            throw new AssertionError("Publishes not confirmed within " + seconds + " s", e);
        }
    }

    /** Records one handler invocation for {@code group}. */
    public void delivered(String group, Delivery d) {
        deliveries.add(new Received(group, d.id(), d.key(), seqOf(d.message()), d.attempt(), d.deliveryCount()));
    }

    private static long seqOf(Message m) {
        String s = m.extension(SEQ);
        return s == null ? -1 : Long.parseLong(s);
    }

    /** Groups that received at least one delivery, sorted. */
    public java.util.SortedSet<String> groups() {
        java.util.SortedSet<String> s = new java.util.TreeSet<>();
        for (Received r : deliveries) s.add(r.group);
        return s;
    }

    /** Number of handler invocations recorded for {@code group}. */
    public long invocations(String group) { return deliveries.stream().filter(r -> r.group.equals(group)).count(); }

    /** Distinct message ids received by {@code group}. */
    public long receivedUnique(String group) {
        return deliveries.stream().filter(r -> r.group.equals(group)).map(Received::id).distinct().count();
    }

    /** Counts for one group. */
    public Verdict verdict(String group) {
        long attempted = attempts.size();
        long acknowledged = attempts.values().stream().filter(a -> a.outcome == Outcome.ACKNOWLEDGED).count();
        long failed = attempts.values().stream().filter(a -> a.outcome == Outcome.FAILED).count();
        long indeterminate = attempts.values().stream().filter(a -> a.outcome == Outcome.INDETERMINATE).count();
        List<Received> mine = new ArrayList<>();
        for (Received r : deliveries) if (r.group.equals(group)) mine.add(r);
        Map<String, Integer> firstAttemptsPerId = new HashMap<>();
        // every id delivered at all: a handler may record a message only on a later attempt (e.g. one that fails its
        // first attempt and comes back through a delayed redelivery), and such a message is not lost
        java.util.Set<String> seenIds = new java.util.HashSet<>();
        long redelivered = 0;
        Map<String, Long> lastSeqPerKey = new HashMap<>();
        Map<String, java.util.Set<Long>> seenPerKey = new HashMap<>();
        long outOfOrder = 0;
        for (Received r : mine) {
            if (r.attempt > 1 || r.deliveryCount > 1) redelivered++;
            if (r.attempt == 1) firstAttemptsPerId.merge(r.id, 1, Integer::sum);
            seenIds.add(r.id);
            if (r.key != null && r.seq >= 0) {
                java.util.Set<Long> seen = seenPerKey.computeIfAbsent(r.key, k -> new java.util.HashSet<>());
                Long last = lastSeqPerKey.get(r.key);
                if (!seen.contains(r.seq) && last != null && r.seq < last) outOfOrder++;
                seen.add(r.seq);
                if (last == null || r.seq > last) lastSeqPerKey.put(r.key, r.seq);
            }
        }
        long received = seenIds.size();
        long duplicated = firstAttemptsPerId.values().stream().filter(n -> n > 1).count();
        long lost = attempts.values().stream()
                .filter(a -> a.outcome == Outcome.ACKNOWLEDGED && !seenIds.contains(a.id)).count();
        long recovered = attempts.values().stream()
                .filter(a -> a.outcome == Outcome.INDETERMINATE && seenIds.contains(a.id)).count();
        long unexpected = seenIds.stream().filter(id -> !attempts.containsKey(id)).count();
        return new Verdict(group, attempted, acknowledged, failed, indeterminate, received, lost, recovered, unexpected,
                duplicated, outOfOrder, redelivered, mine.size());
    }

    /** The counts of one group's history. */
    public record Verdict(String group, long attempted, long acknowledged, long failed, long indeterminate,
                          long received, long lost, long recovered, long unexpected, long duplicated,
                          long outOfOrder, long redelivered, long invocations) {
        /** Stable, readable rendering for failure messages and reports. */
        public Map<String, Long> counts() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("attempted", attempted);
            m.put("acknowledged", acknowledged);
            m.put("failed", failed);
            m.put("indeterminate", indeterminate);
            m.put("received", received);
            m.put("lost", lost);
            m.put("recovered", recovered);
            m.put("unexpected", unexpected);
            m.put("duplicated", duplicated);
            m.put("outOfOrder", outOfOrder);
            m.put("redelivered", redelivered);
            m.put("invocations", invocations);
            return m;
        }

        @Override public String toString() { return "history[group=" + group + "] " + counts(); }

        /**
         * The counts as a two-row text table headed by {@code title} (and the recovery time when
         * known), as the kit prints it after every test that kept a history.
         */
        public String table(String title, Double recoverySeconds) {
            Map<String, String> cells = new LinkedHashMap<>();
            counts().forEach((k, v) -> cells.put(k, Long.toString(v)));
            if (recoverySeconds != null) cells.put("recoverySeconds", String.format(java.util.Locale.ROOT, "%.3f", recoverySeconds));
            StringBuilder head = new StringBuilder("  ");
            StringBuilder row = new StringBuilder("  ");
            cells.forEach((k, v) -> {
                int w = Math.max(k.length(), v.length()) + 2;
                head.append(String.format("%-" + w + "s", k));
                row.append(String.format("%-" + w + "s", v));
            });
            return "history " + title + " [group " + group + "]\n" + head.toString().stripTrailing() + "\n"
                    + row.toString().stripTrailing() + "\n";
        }
    }
}
