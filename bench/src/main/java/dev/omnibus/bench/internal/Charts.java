package dev.omnibus.bench.internal;

import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * PNG charts of a run with JFreeChart (headless): {@code latency.png}, the latency percentile plot of
 * both clients (measured legs merged; x = percentile on the usual 1/(1-p) log scale), and
 * {@code throughput.png}, publish and consume rates of every leg.
 */
public final class Charts {
    private static final double[] PERCENTILES = {50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

    private Charts() {}

    public static void write(RunResult r, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(dir.resolve("latency.png").toFile(), latency(r), 900, 560);
        ChartUtils.saveChartAsPNG(dir.resolve("throughput.png").toFile(), throughput(r), 900, 500);
    }

    static JFreeChart latency(RunResult r) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (String kind : List.of(r.contrast().baselineKind(), r.contrast().candidateKind())) {
            data.addSeries(series(kind + " end-to-end", merged(r, kind, false)));
            data.addSeries(series(kind + " publish", merged(r, kind, true)));
        }
        LogAxis x = new LogAxis("percentile (1 / (1 - p)): 2 = p50, 100 = p99, 1000 = p99.9");
        x.setBase(10);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        LogAxis y = new LogAxis("latency (ms, log scale)");
        y.setBase(10);
        y.setSmallestValue(0.001);
        y.setTickUnit(new NumberTickUnit(1));
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        return new JFreeChart("Latency by percentile — " + r.broker() + ", " + r.workload().name()
                + " (measured legs merged)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    private static Histogram merged(RunResult r, String kind, boolean publish) {
        Histogram h = null;
        for (LegResult l : r.legs()) {
            if (l.warmup() || !l.kind().equals(kind)) continue;
            Histogram src = publish ? l.publishLatency() : l.endToEndLatency();
            if (h == null) h = src.copy(); else h.add(src);
        }
        return h;
    }

    private static XYSeries series(String name, Histogram h) {
        XYSeries s = new XYSeries(name);
        if (h == null || h.getTotalCount() == 0) return s;
        for (double p : PERCENTILES) {
            double x = p >= 100 ? 1.0 / (1.0 / Math.max(1, h.getTotalCount())) : 1.0 / (1.0 - p / 100.0);
            s.add(x, LegResult.percentileMs(h, p));
        }
        return s;
    }

    static JFreeChart throughput(RunResult r) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        int i = 1;
        for (LegResult l : r.legs()) {
            String leg = i++ + " " + l.kind() + (l.warmup() ? " (warm-up)" : "");
            data.addValue(l.publishRate(), "publish msg/s", leg);
            data.addValue(l.consumeRate(), "consume msg/s", leg);
        }
        CategoryAxis x = new CategoryAxis("leg (in run order)");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        CategoryPlot plot = new CategoryPlot(data, x, new NumberAxis("messages per second"), bars);
        return new JFreeChart("Throughput per leg — " + r.broker() + ", " + r.workload().name(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }
}
