package dev.omnibus;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    @Test void exponentialWithoutJitterDoublesUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(6, Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 0);
        assertThat(p.maxAttempts()).isEqualTo(6);
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayBefore(5)).isEqualTo(Duration.ofMillis(500));
    }

    @Test void jitterStaysWithinTheRandomizationBand() {
        RetryPolicy p = RetryPolicy.exponential(5, Duration.ofMillis(200));
        for (int i = 0; i < 1000; i++) assertThat(p.delayBefore(2).toMillis()).isBetween(100L, 300L);
    }

    @Test void fatalErrorsAreNotRetryable() {
        RetryPolicy p = RetryPolicy.fixed(3, Duration.ZERO).nonRetryable(IllegalArgumentException.class);
        assertThat(p.isRetryable(new IllegalStateException())).isTrue();
        assertThat(p.isRetryable(new NumberFormatException())).isFalse(); // a subtype of IllegalArgumentException
        assertThat(p.isRetryable(new DeadLetterException("x"))).isFalse();
        assertThat(p.isRetryable(new CodecException("x", null))).isFalse();
    }

    @Test void invalidSettingsNameThemselves() {
        assertThatThrownBy(() -> RetryPolicy.fixed(0, Duration.ZERO)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("retry.maxAttempts").hasMessageContaining("'0'");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ZERO)).hasMessageContaining("retry.initialInterval");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ofMillis(1), 0.5, Duration.ofSeconds(1), 0))
                .hasMessageContaining("retry.multiplier");
    }

    @Test void noneMeansOneAttempt() { assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1); }
}
