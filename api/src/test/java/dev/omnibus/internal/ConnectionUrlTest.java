package dev.omnibus.internal;

import dev.omnibus.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionUrlTest {
    @Test void kafkaHostList() {
        ConnectionUrl u = ConnectionUrl.parse("kafka://h1:9092,h2:9093?partitions=12&closeTimeout=5s");
        assertThat(u.scheme()).isEqualTo("kafka");
        assertThat(u.authority()).isEqualTo("h1:9092,h2:9093");
        assertThat(u.query()).containsEntry("partitions", "12").containsEntry("closeTimeout", "5s");
    }

    @Test void amqpUserPasswordAndVhost() {
        ConnectionUrl u = ConnectionUrl.parse("amqp://app:s%40cret@rabbit:5672/orders%2Fprod");
        assertThat(u.user()).isEqualTo("app");
        assertThat(u.password()).isEqualTo("s@cret");
        assertThat(u.authority()).isEqualTo("rabbit:5672");
        assertThat(u.path()).isEqualTo("orders/prod");
        assertThat(u.toString()).doesNotContain("cret");
    }

    @Test void memoryName() {
        assertThat(ConnectionUrl.parse("memory://demo").authority()).isEqualTo("demo");
    }

    @Test void missingSchemeIsNamedWithoutThePassword() {
        assertThatThrownBy(() -> ConnectionUrl.parse("guest:secret@localhost"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("url").hasMessageContaining("kafka://");
        assertThatThrownBy(() -> ConnectionUrl.parse("1x://user:secret@h"))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("secret");
    }
}
