package dev.omnibus.bench;

import dev.omnibus.bench.internal.Comparison;
import dev.omnibus.bench.internal.LegResult;
import dev.omnibus.bench.internal.Stats;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ComparisonTest {

    static LegResult leg(String kind, int pair, double publishRate, long e2eP99Micros) {
        Histogram pub = new Histogram(3);
        Histogram e2e = new Histogram(3);
        for (int i = 0; i < 100; i++) { pub.recordValue(100_000); e2e.recordValue(e2eP99Micros * 1000); }
        return new LegResult(kind, pair, "t" + pair + kind, 1, publishRate, publishRate / 1024, publishRate, publishRate / 1024,
                pub, e2e, 500, 20, 100, 100, 100, 0, 0);
    }

    static Comparison.Row row(List<Comparison.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void medianMinMaxIgnoreNonFiniteValues() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Stats.median(Arrays.asList(1.0, Double.NaN, 5.0, null))).isEqualTo(3.0);
        assertThat(Stats.median(List.of())).isNaN();
        assertThat(Stats.min(List.of(3.0, 1.0, Double.NaN))).isEqualTo(1.0);
        assertThat(Stats.max(List.of(3.0, 1.0, Double.POSITIVE_INFINITY))).isEqualTo(3.0);
    }

    @Test
    void ratioIsOmnibusOverNativeAndUndefinedWithoutANativeValue() {
        assertThat(Stats.ratio(95, 100)).isEqualTo(0.95);
        assertThat(Stats.ratio(1, 0)).isNaN();
        assertThat(Stats.ratio(Double.NaN, 1)).isNaN();
    }

    @Test
    void headlineRatioIsTheMedianOfPerPairRatiosAndSpreadIsTheirRange() {
        List<LegResult> legs = new ArrayList<>();
        legs.add(leg("native", 0, 1, 1));       // warm-up pair: ignored
        legs.add(leg("omnibus", 0, 1000, 1));
        legs.add(leg("native", 1, 1000, 1000));
        legs.add(leg("omnibus", 1, 900, 1000));  // 0.90
        legs.add(leg("native", 2, 1000, 1000));
        legs.add(leg("omnibus", 2, 1000, 1000)); // 1.00
        legs.add(leg("native", 3, 800, 1000));
        legs.add(leg("omnibus", 3, 960, 1000));  // 1.20
        Comparison.Row rate = row(Comparison.of(legs), "publish.rate");
        assertThat(rate.pairRatios()).hasSize(3);
        assertThat(rate.ratio()).isCloseTo(1.0, within(1e-9));
        assertThat(rate.spread().min()).isCloseTo(0.9, within(1e-9));
        assertThat(rate.spread().max()).isCloseTo(1.2, within(1e-9));
        assertThat(rate.nativeValue()).isEqualTo(1000);
        assertThat(rate.omnibusValue()).isEqualTo(960);
        assertThat(rate.higherIsBetter()).isTrue();
        assertThat(rate.met()).isTrue();
    }

    @Test
    void latencyTargetAllowsTenPercentPlusHalfAMillisecond() {
        List<LegResult> within = List.of(leg("native", 1, 1000, 2000), leg("omnibus", 1, 1000, 2600)); // 2.0 ms vs 2.6 ms <= 2.7
        Comparison.Row ok = row(Comparison.of(within), "e2e.latency.p99");
        assertThat(ok.nativeValue()).isCloseTo(2.0, within(0.01));
        assertThat(ok.omnibusValue()).isCloseTo(2.6, within(0.01));
        assertThat(ok.higherIsBetter()).isFalse();
        assertThat(ok.met()).isTrue();
        List<LegResult> over = List.of(leg("native", 1, 1000, 2000), leg("omnibus", 1, 1000, 2800));
        assertThat(row(Comparison.of(over), "e2e.latency.p99").met()).isFalse();
    }

    @Test
    void latencyTargetIsJudgedByTheMedianPairNotByMediansOfValues() {
        // medians of values: native 3.0, omnibus 2.0 (looks fine) but two of three pairs miss the target
        List<LegResult> legs = List.of(
                leg("native", 1, 1000, 1000), leg("omnibus", 1, 1000, 2000),
                leg("native", 2, 1000, 3000), leg("omnibus", 2, 1000, 1000),
                leg("native", 3, 1000, 9000), leg("omnibus", 3, 1000, 11000));
        Comparison.Row p99 = row(Comparison.of(legs), "e2e.latency.p99");
        assertThat(p99.met()).isFalse();
    }

    @Test
    void throughputTargetIsNinetyFivePercent() {
        List<LegResult> legs = List.of(leg("native", 1, 1000, 1), leg("omnibus", 1, 940, 1));
        assertThat(row(Comparison.of(legs), "publish.rate").met()).isFalse();
        assertThat(row(Comparison.of(legs), "publish.throughput").target()).isNull();
    }

    @Test
    void aPairMissingOneSideIsNotCompared() {
        List<LegResult> legs = List.of(leg("native", 1, 1000, 1), leg("omnibus", 1, 1000, 1), leg("native", 2, 1, 1));
        assertThat(row(Comparison.of(legs), "publish.rate").pairRatios()).containsExactly(1.0);
    }
}
