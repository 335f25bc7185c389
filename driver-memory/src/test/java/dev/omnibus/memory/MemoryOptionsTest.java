package dev.omnibus.memory;

import dev.omnibus.ConfigurationException;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every option the memory driver reads, and the core's, with an invalid value: connect names the option. */
class MemoryOptionsTest {
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {"maxMessageBytes|0", "maxMessageBytes|2147483648", "maxMessageBytes|8MiB",
            "perKeyOrdering|sometimes", "retainMessages|-1", "retainMessages|many", "closeTimeout|soon", "requestTimeout|-1s", "closeTimeout|9223372036854775807h"})
    void invalidValueIsRefusedNamingTheOption(String option, String value) {
        assertThatThrownBy(() -> Messaging.connect(MessagingConfig.builder("memory://options-test").option(option, value).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(option).hasMessageContaining(value);
    }
}
