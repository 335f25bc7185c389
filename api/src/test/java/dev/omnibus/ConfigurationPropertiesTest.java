package dev.omnibus;

import dev.omnibus.spi.DriverConfig;
import dev.omnibus.spi.MessagingDriver;
import dev.omnibus.spi.Transport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Invalid configuration, property-based: every typed option getter, the core options, the URL and the
 * subscribe settings either accept a value (and then mean what an independent oracle says) or throw
 * {@link ConfigurationException} naming the option; never another exception type, never before a check
 * a network call (the driver's {@code connect} is not reached when a core option is invalid).
 */
class ConfigurationPropertiesTest {

    @Provide Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(25), Arbitraries.strings().numeric().ofMaxLength(25),
                Arbitraries.strings().withChars("0123456789 -+.smhPTSMHD").ofMaxLength(14),
                Arbitraries.of("", " ", "-1", "0", "1", "2147483648", "9223372036854775807", "9223372036854775808",
                        "9223372036854775807h", "106751991167301d", "PT-5S", "P1D", "pt0.5s", "1e3", "0x10", "true", "YES",
                        "no", "earliest", "LATEST", "late-st", "\u0000", "５"));
    }

    @Property(tries = 400, seed = "41")
    void integerOptionsParseOrNameTheKey(@ForAll("values") String value) {
        DriverConfig c = config("partitions", value);
        Long expected = parseLong(value.trim());
        Throwable t = catchThrowable(() -> c.intOption("partitions", 8, 1, 10_000));
        if (expected != null && expected >= 1 && expected <= 10_000) {
            assertThat(t).isNull();
            assertThat(c.intOption("partitions", 8, 1, 10_000)).isEqualTo(expected.intValue());
        } else {
            assertNamesKey(t, "partitions");
        }
    }

    @Property(tries = 400, seed = "43")
    void durationOptionsParseOrNameTheKey(@ForAll("values") String value) {
        DriverConfig c = config("connectTimeout", value);
        Throwable t = catchThrowable(() -> c.durationOption("connectTimeout", Duration.ofSeconds(10)));
        if (t == null) {
            Duration d = c.durationOption("connectTimeout", Duration.ofSeconds(10));
            assertThat(d.isNegative()).as("negative %s", d).isFalse();
            assertThat(d.toMillis()).as("usable in milliseconds").isNotNegative();
        } else {
            assertNamesKey(t, "connectTimeout");
        }
    }

    @Property(tries = 200, seed = "47")
    void booleanAndEnumOptionsParseOrNameTheKey(@ForAll("values") String value) {
        DriverConfig c = config("autoCreateTopics", value);
        String v = value.trim().toLowerCase();
        Throwable t = catchThrowable(() -> c.booleanOption("autoCreateTopics", true));
        if (v.matches("true|yes|1|false|no|0")) assertThat(t).isNull(); else assertNamesKey(t, "autoCreateTopics");

        DriverConfig e = config("startFrom", value);
        Throwable te = catchThrowable(() -> e.enumOption("startFrom", StartFrom.class, StartFrom.LATEST));
        if (v.replace('-', '_').matches("earliest|latest")) assertThat(te).isNull(); else assertNamesKey(te, "startFrom");
    }

    @Property(tries = 200, seed = "53")
    void invalidCoreOptionsFailBeforeTheDriverConnects(@ForAll("values") String value, @ForAll("coreKeys") String key) {
        CountingDriver driver = new CountingDriver();
        MessagingConfig config = MessagingConfig.builder("cfg://h").driver(driver).option(key, value).build();
        Throwable t = catchThrowable(() -> Messaging.connect(config).close());
        if (t != null) {
            assertNamesKey(t, key);
            assertThat(driver.connects).as("the driver was not asked to connect").hasValue(0);
        }
    }

    @Provide Arbitrary<String> coreKeys() { return Arbitraries.of("closeTimeout", "requestTimeout"); }

    @Property(tries = 400, seed = "59")
    void anyUrlIsAcceptedOrRefusedAsConfiguration(@ForAll("urls") String url) {
        Throwable t = catchThrowable(() -> Messaging.connect(url).close());
        // no driver is on the api module's class path: a well-formed URL ends in DriverNotFoundException
        assertThat(t).isInstanceOfAny(ConfigurationException.class, DriverNotFoundException.class);
        if (!(t instanceof DriverNotFoundException)) assertThat(((ConfigurationException) t).key()).isIn("url", "option key");
    }

    @Provide Arbitrary<String> urls() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("abc:/@%?&=#+ 0123456789.,[]").ofMaxLength(30),
                Arbitraries.strings().withChars("abc:/@%?&=#+ 0123456789.,[]").ofMaxLength(20).map(s -> "amqp://" + s),
                Arbitraries.of("", " ", "://", "amqp://", "amqp://u:p%zz@h", "amqp://u:p%@h", "x://?=1", "kafka://h?a&=b"));
    }

    @Property(tries = 300, seed = "61")
    void subscribeSettingsAreAcceptedOrNamed(@ForAll @IntRange(min = -5, max = 2_000_000) int n, @ForAll("names") String name) {
        Throwable c = catchThrowable(() -> SubscribeOptions.defaults().concurrency(n));
        if (n >= 1 && n <= 256) assertThat(c).isNull(); else if (c != null) assertNamesKey(c, "concurrency");
        Throwable m = catchThrowable(() -> SubscribeOptions.defaults().maxInFlight(n));
        if (n >= 1 && n <= 1_000_000) assertThat(m).isNull(); else assertNamesKey(m, "maxInFlight");
        Throwable g = catchThrowable(() -> SubscribeOptions.defaults().inGroup(name));
        if (g != null) assertNamesKey(g, "group");
        Throwable d = catchThrowable(() -> SubscribeOptions.defaults().deadLetter(name));
        if (name.matches("[A-Za-z0-9._\\-]{1,200}")) assertThat(d).isNull(); else assertNamesKey(d, "deadLetter");
    }

    @Provide Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30), Arbitraries.strings().alpha().ofMaxLength(30),
                Arbitraries.of("", " ", "bad topic!", "x".repeat(201), "orders.dlq"));
    }

    @Example
    void overflowingDurationsAreConfigurationErrors() {
        for (String v : new String[] {"9223372036854775807h", "106751991167301d", "PT2562047788015216H", "9223372036854775807s"}) {
            assertThatThrownBy(() -> config("closeTimeout", v).durationOption("closeTimeout", Duration.ZERO))
                    .as(v).isInstanceOf(ConfigurationException.class).hasMessageContaining("closeTimeout");
        }
    }

    private static void assertNamesKey(Throwable t, String key) {
        assertThat(t).as("an invalid %s", key).isInstanceOf(ConfigurationException.class).hasMessageContaining(key);
    }

    private static DriverConfig config(String key, String value) {
        return new DriverConfig("cfg", "h", null, null, "", Map.of(key, value));
    }

    private static Long parseLong(String s) {
        try { return Long.parseLong(s); } catch (NumberFormatException e) { return null; }
    }

    /** Counts connect calls; its transport does nothing. */
    static final class CountingDriver implements MessagingDriver {
        final AtomicInteger connects = new AtomicInteger();
        @Override public String scheme() { return "cfg"; }
        @Override public Transport connect(DriverConfig config) {
            connects.incrementAndGet();
            return new MessagingConnectTest.ConfigOnlyDriver().connect(config);
        }
    }
}
