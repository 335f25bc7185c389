package dev.omnibus.bench.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The Omnibus/native comparison of a run. For every {@link Figure}: the median native and Omnibus
 * values over the measured pairs, the per-pair ratios (Omnibus / native of the same pair, legs run back
 * to back) and their min/median/max. The headline ratio is the median per-pair ratio. The warm-up pairs
 * (pair 0 and below) are left out.
 *
 * <p>Targets (issue 9), judged per pair like the ratio and then by the median pair: throughput ratio
 * &ge; 0.95; p99 latency &le; 1.10 &times; native + 0.5 ms (the median over pairs of
 * {@code omnibus - (1.10 * native + 0.5 ms)} is at most 0).
 */
public final class Comparison {

    /** min / median / max of the per-pair ratios. */
    public record Spread(double min, double median, double max) {}

    /**
     * One figure compared.
     *
     * @param target human-readable target, or {@code null} when the figure has none
     * @param met    whether the target holds ({@code null} without a target or without data)
     */
    public record Row(String name, String unit, boolean higherIsBetter, double nativeValue, double omnibusValue,
                      double ratio, Spread spread, List<Double> pairRatios, String target, Boolean met) {}

    private Comparison() {}

    /** Compares the measured legs (pair &ge; 1) of {@code legs}; pairs lacking one side are skipped. */
    public static List<Row> of(List<LegResult> legs) { return of(legs, Contrast.NATIVE_VS_OMNIBUS); }

    /** As {@link #of(List)}, for the legs and targets of {@code contrast}. */
    public static List<Row> of(List<LegResult> legs, Contrast contrast) {
        List<Row> rows = new ArrayList<>();
        int pairs = legs.stream().mapToInt(LegResult::pair).max().orElse(0);
        for (Figure f : Figure.ALL) {
            List<Double> natives = new ArrayList<>(), omnibuses = new ArrayList<>(), ratios = new ArrayList<>();
            List<Double> latencyExcess = new ArrayList<>();
            for (int p = 1; p <= pairs; p++) {
                LegResult n = find(legs, p, contrast.baselineKind()), o = find(legs, p, contrast.candidateKind());
                if (n == null || o == null) continue;
                double nv = f.value().applyAsDouble(n), ov = f.value().applyAsDouble(o);
                natives.add(nv);
                omnibuses.add(ov);
                ratios.add(Stats.ratio(ov, nv));
                latencyExcess.add(ov - (contrast.p99Factor() * nv + contrast.p99SlackMs()));
            }
            double nativeValue = Stats.median(natives), omnibusValue = Stats.median(omnibuses);
            Spread spread = new Spread(Stats.min(ratios), Stats.median(ratios), Stats.max(ratios));
            String target = null;
            Boolean met = null;
            if (f.name().equals("publish.rate") || f.name().equals("consume.rate")) {
                target = contrast.rateTarget();
                met = Double.isFinite(spread.median()) ? spread.median() >= contrast.minRateRatio() : null;
            } else if (f.name().endsWith(".latency.p99")) {
                target = contrast.p99Target();
                double excess = Stats.median(latencyExcess);
                met = Double.isFinite(excess) ? excess <= 0 : null;
            }
            rows.add(new Row(f.name(), f.unit(), f.higherIsBetter(), nativeValue, omnibusValue, spread.median(), spread,
                    List.copyOf(ratios), target, met));
        }
        return rows;
    }

    private static LegResult find(List<LegResult> legs, int pair, String kind) {
        for (LegResult l : legs) if (l.pair() == pair && l.kind().equals(kind)) return l;
        return null;
    }
}
