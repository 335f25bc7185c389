package dev.omnibus.spi;

import dev.omnibus.ConfigurationException;
import dev.omnibus.StartFrom;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriverConfigTest {
    private final DriverConfig config = new DriverConfig("kafka", "h:9092", "app", "hunter2", "",
            Map.of("partitions", "12", "linger", "5ms", "kafka.linger.ms", "5", "start", "earliest",
                    "sasl.password", "hunter2", "bad", "x"));

    @Test void typedGettersAndDefaults() {
        assertThat(config.intOption("partitions", 1, 1, 1000)).isEqualTo(12);
        assertThat(config.durationOption("linger", Duration.ZERO)).isEqualTo(Duration.ofMillis(5));
        assertThat(config.enumOption("start", StartFrom.class, StartFrom.LATEST)).isEqualTo(StartFrom.EARLIEST);
        assertThat(config.intOption("absent", 7, 0, 10)).isEqualTo(7);
        assertThat(config.passThrough("kafka.")).containsExactly(Map.entry("linger.ms", "5"));
    }

    @Test void errorsNameKeyValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> config.intOption("bad", 1, 1, 10)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'bad'").hasMessageContaining("'x'").hasMessageContaining("1 to 10");
        assertThatThrownBy(() -> config.intOption("partitions", 1, 1, 8)).hasMessageContaining("1 to 8");
        assertThatThrownBy(() -> config.durationOption("bad", Duration.ZERO)).hasMessageContaining("250ms");
        assertThatThrownBy(() -> config.enumOption("bad", StartFrom.class, StartFrom.LATEST)).hasMessageContaining("[latest, earliest]");
    }

    @Test void unreadKeysAreThoseNobodyAskedFor() {
        DriverConfig c = new DriverConfig("kafka", "h", null, null, "", Map.of("a", "1", "b", "2", "kafka.x", "3"));
        c.option("a");
        c.passThrough("kafka.");
        assertThat(c.unreadKeys()).containsExactly("b");
        assertThat(c.readKeys()).contains("a", "kafka.x");
    }

    @Test void toStringNeverShowsSecrets() {
        assertThat(config.toString()).doesNotContain("hunter2").contains("app:****@");
        assertThat(config.redactedUrl()).isEqualTo("kafka://app:****@h:9092");
    }
}
