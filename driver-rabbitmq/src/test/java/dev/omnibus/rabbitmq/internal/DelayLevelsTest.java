package dev.omnibus.rabbitmq.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The delay encoding: rounding up, digits, entry level, and that the bindings select what the docs say. */
class DelayLevelsTest {
    @Test void delaysRoundUpToTheUnitAndNeverDown() {
        assertThat(DelayLevels.unitsOf(Duration.ZERO)).isZero();
        assertThat(DelayLevels.unitsOf(Duration.ofMillis(-5))).isZero();
        assertThat(DelayLevels.unitsOf(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(DelayLevels.unitsOf(Duration.ofMillis(100))).isEqualTo(1);
        assertThat(DelayLevels.unitsOf(Duration.ofMillis(101))).isEqualTo(2);
        assertThat(DelayLevels.unitsOf(Duration.ofSeconds(90))).isEqualTo(900);
        assertThat(DelayLevels.unitsOf(DelayLevels.MAX_DELAY)).isEqualTo(DelayLevels.MAX_UNITS);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(DelayLevels.unitsUntil(now.minusSeconds(1), now)).isZero();
        assertThat(DelayLevels.unitsUntil(now.plusMillis(250), now)).isEqualTo(3);
    }

    @Test void digitsAreMostSignificantFirstAndTheEntryIsTheHighestSetDigit() {
        assertThat(DelayLevels.digits(5)).isEqualTo("0.".repeat(29) + "1.0.1");
        assertThat(DelayLevels.entryLevel(1)).isZero();
        assertThat(DelayLevels.entryLevel(5)).isEqualTo(2);
        assertThat(DelayLevels.entryLevel(DelayLevels.MAX_UNITS)).isEqualTo(DelayLevels.LEVELS - 1);
        assertThat(DelayLevels.level(7)).isEqualTo("omnibus-delay:relay:07");
        assertThat(DelayLevels.next(3)).isEqualTo("omnibus-delay:relay:02");
        assertThat(DelayLevels.next(0)).isEqualTo(DelayLevels.DELIVER);
        assertThat(DelayLevels.queueArguments(3)).containsOnly(java.util.Map.entry("x-queue-type", "classic"));
    }

    /** A message leaves each level it waits in when only its lower digits' units remain, and the last one at its due time. */
    @Test void leaveTimesAreTheDueTimeLessTheLowerDigits() {
        long due = 1_000_000_000L;
        String key = DelayLevels.scheduledKey(0b1011, 3, "orders"); // waits at levels 3, 1 and 0
        assertThat(DelayLevels.leaveAtMillis(3, key, due)).isEqualTo(due - 3 * 100);
        assertThat(DelayLevels.leaveAtMillis(1, key, due)).isEqualTo(due - 100);
        assertThat(DelayLevels.leaveAtMillis(0, key, due)).isEqualTo(due);
        String top = DelayLevels.redeliveryKey(DelayLevels.MAX_UNITS, 0, "q");
        assertThat(DelayLevels.leaveAtMillis(31, top, due)).isEqualTo(due - ((1L << 31) - 1) * 100);
        assertThat(DelayLevels.leaveAtMillis(4, "short", due)).isEqualTo(due);
        assertThat(DelayLevels.ceilMillis(Instant.ofEpochMilli(5))).isEqualTo(5);
        assertThat(DelayLevels.ceilMillis(Instant.ofEpochMilli(5).plusNanos(1))).isEqualTo(6);
    }

    /** Walks a key down the levels with a topic-exchange matcher: the waits add up to the delay. */
    @Test void aKeyWaitsExactlyAtItsSetDigits() {
        for (long units : new long[] {1, 2, 3, 600, 12_345, DelayLevels.MAX_UNITS}) {
            String key = DelayLevels.scheduledKey(units, 17, "orders");
            long waited = 0;
            for (int k = DelayLevels.entryLevel(units); k >= 0; k--) {
                boolean waits = matches(DelayLevels.waitKey(k), key);
                assertThat(waits).isNotEqualTo(matches(DelayLevels.passKey(k), key));
                if (waits) waited += 1L << k;
            }
            assertThat(waited).isEqualTo(units);
            assertThat(matches(DelayLevels.topicBindingKey("orders"), key)).isTrue();
            assertThat(matches(DelayLevels.topicBindingKey("orders.dlq"), key)).isFalse();
            assertThat(matches(DelayLevels.bucketBindingKey(17), key)).isTrue();
            assertThat(matches(DelayLevels.bucketBindingKey(1), key)).isFalse();
            assertThat(matches("17", key)).isFalse();
            String q = DelayLevels.redeliveryKey(units, 17, "orders|g|1/4");
            assertThat(matches(DelayLevels.queueBindingKey("orders|g|1/4"), q)).isTrue();
            assertThat(matches(DelayLevels.queueBindingKey("orders|g|2/4"), q)).isFalse();
            assertThat(matches(DelayLevels.topicBindingKey("orders"), q)).isFalse();
        }
    }

    @Test void longNamesStillFitTheRoutingKey() {
        String longTopic = "t".repeat(200);
        assertThat(DelayLevels.scheduledKey(DelayLevels.MAX_UNITS, 63, longTopic).length()).isLessThanOrEqualTo(255);
        assertThat(DelayLevels.redeliveryKey(DelayLevels.MAX_UNITS, 63, longTopic + "|" + "g".repeat(200) + "|63/64").length())
                .isLessThanOrEqualTo(255);
    }

    /** AMQP topic matching: '*' one word, '#' zero or more words. */
    private static boolean matches(String binding, String key) {
        StringBuilder re = new StringBuilder();
        String[] words = binding.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.equals("#")) re.append(i == 0 ? "(?:[^.]*(?:\\.[^.]*)*)?" : "(?:\\.[^.]*)*");
            else {
                if (i > 0) re.append("\\.");
                re.append(w.equals("*") ? "[^.]*" : Pattern.quote(w));
            }
        }
        return Pattern.matches(re.toString(), key);
    }
}
