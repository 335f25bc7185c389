package dev.omnibus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscribeOptionsTest {
    @Test void everyChangeReturnsACopy() {
        SubscribeOptions base = SubscribeOptions.group("g");
        SubscribeOptions four = base.concurrency(4);
        assertThat(base.concurrency()).isEqualTo(1);
        assertThat(four.concurrency()).isEqualTo(4);
        assertThat(four.group()).isEqualTo("g");
    }

    @Test void defaults() {
        SubscribeOptions o = SubscribeOptions.defaults();
        assertThat(o.group()).isNull();
        assertThat(o.startFrom()).isEqualTo(StartFrom.LATEST);
        assertThat(o.ordering()).isEqualTo(Ordering.PER_KEY);
        assertThat(o.maxInFlight()).isEqualTo(256);
        assertThat(o.retry().maxAttempts()).isEqualTo(5);
        assertThat(o.deadLetterTopicFor("orders.placed")).isEqualTo("orders.placed.dlq");
    }

    @Test void deadLetterTopicChoices() {
        assertThat(SubscribeOptions.defaults().deadLetter("custom").deadLetterTopicFor("t")).isEqualTo("custom");
        assertThat(SubscribeOptions.defaults().noDeadLetter().deadLetterTopicFor("t")).isNull();
    }

    @Test void invalidValuesAreNamed() {
        assertThatThrownBy(() -> SubscribeOptions.group(" ")).hasMessageContaining("'group'");
        assertThatThrownBy(() -> SubscribeOptions.defaults().concurrency(2000)).hasMessageContaining("1 to 1024");
        assertThatThrownBy(() -> SubscribeOptions.defaults().maxInFlight(0)).hasMessageContaining("maxInFlight");
    }

    @Test void handleOnDeliveryThreadIsOffByDefaultSurvivesCopiesAndNeedsConcurrencyOne() {
        assertThat(SubscribeOptions.defaults().handlesOnDeliveryThread()).isFalse();
        SubscribeOptions on = SubscribeOptions.group("g").handleOnDeliveryThread(true);
        assertThat(on.handlesOnDeliveryThread()).isTrue();
        assertThat(on.maxInFlight(10).retry(RetryPolicy.none()).require(Capability.DURABLE).handlesOnDeliveryThread()).isTrue();
        assertThat(on.toString()).contains("handleOnDeliveryThread");
        assertThat(on.handleOnDeliveryThread(false).concurrency(4).concurrency()).isEqualTo(4);
        assertThatThrownBy(() -> on.concurrency(4)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'concurrency'").hasMessageContaining("handleOnDeliveryThread(false)");
        assertThatThrownBy(() -> SubscribeOptions.defaults().concurrency(2).handleOnDeliveryThread(true))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'handleOnDeliveryThread'")
                .hasMessageContaining("concurrency(1)");
    }
}
