package dev.omnibus.conformance.history;

import dev.omnibus.Delivery;
import dev.omnibus.Message;
import dev.omnibus.Position;
import dev.omnibus.PublishReceipt;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTest {
    private static Delivery delivery(Message m, int attempt) {
        return new Delivery(m, "t", "g", Position.of("0", 0), attempt, 1, Instant.now());
    }

    @Test void countsLossDuplicatesOrderAndRedeliveries() {
        History h = new History();
        Message a0 = History.message("a", 0), a1 = History.message("a", 1), a2 = History.message("a", 2), b0 = History.message("b", 0);
        for (Message m : new Message[] {a0, a1, a2, b0}) {
            h.track(m, CompletableFuture.completedFuture(new PublishReceipt("t", m.id(), null, Instant.now())));
        }
        Message failed = History.message("c", 0);
        h.track(failed, CompletableFuture.failedFuture(new IllegalStateException("nope")));
        h.delivered("g", delivery(a1, 1));   // out of order: a1 before a0
        h.delivered("g", delivery(a0, 1));
        h.delivered("g", delivery(a0, 2));   // a retry: redelivered, not duplicated
        h.delivered("g", delivery(b0, 1));
        h.delivered("g", delivery(b0, 1));   // a duplicate delivery
        History.Verdict v = h.verdict("g");
        assertThat(v.attempted()).isEqualTo(5);
        assertThat(v.acknowledged()).isEqualTo(4);
        assertThat(v.failed()).isEqualTo(1);
        assertThat(v.received()).isEqualTo(3);
        assertThat(v.lost()).as("a2 acknowledged, never received").isEqualTo(1);
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.outOfOrder()).isEqualTo(1);
        assertThat(v.redelivered()).isEqualTo(1);
        assertThat(v.toString()).contains("lost=1", "outOfOrder=1");
    }

    @Test void tablePutsEveryCountUnderItsName() {
        History h = new History();
        Message m = History.message("a", 0);
        h.track(m, CompletableFuture.completedFuture(new PublishReceipt("t", m.id(), null, Instant.now())));
        String[] lines = h.verdict("g").table("kafka someTest", 1.25).split("\n");
        assertThat(lines[0]).isEqualTo("history kafka someTest [group g]");
        String[] names = lines[1].trim().split("\\s+"), values = lines[2].trim().split("\\s+");
        assertThat(names).startsWith("attempted", "acknowledged", "failed").endsWith("recoverySeconds");
        assertThat(values).hasSameSizeAs(names).startsWith("1", "1", "0").endsWith("1.250");
        assertThat(values[java.util.Arrays.asList(names).indexOf("lost")]).isEqualTo("1");
    }
}
