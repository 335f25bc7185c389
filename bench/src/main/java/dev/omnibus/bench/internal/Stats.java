package dev.omnibus.bench.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small statistics used by the comparison: median, min, max over finite values. */
public final class Stats {
    private Stats() {}

    /** Median of the finite values (mean of the two middle ones for an even count); NaN when none. */
    public static double median(List<Double> values) {
        List<Double> v = finite(values);
        if (v.isEmpty()) return Double.NaN;
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    public static double min(List<Double> values) {
        return finite(values).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return finite(values).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code omnibus / native}; NaN when either is not a positive finite number. */
    public static double ratio(double omnibus, double nativeValue) {
        if (!(nativeValue > 0) || !Double.isFinite(nativeValue) || !Double.isFinite(omnibus) || omnibus < 0) return Double.NaN;
        return omnibus / nativeValue;
    }

    private static List<Double> finite(List<Double> values) {
        List<Double> out = new ArrayList<>();
        for (Double d : values) if (d != null && Double.isFinite(d)) out.add(d);
        return out;
    }
}
