package dev.omnibus.bench.internal;

import dev.omnibus.bench.Workload;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the broker's own load tool against the same broker, with the shape of a workload, so that a
 * native leg can be checked against what the broker's authors measure with (issue 15: a native leg
 * more than 20 % below its tool is a harness bug). Kafka: {@code ProducerPerformance}, then
 * {@code ConsumerPerformance} over what it wrote; Pulsar: {@code pulsar-perf produce} and
 * {@code consume} at the same time; RabbitMQ: {@code PerfTest} with one producer and one consumer.
 * Each tool runs in its own JVM from the class path of {@code brokers/perf-<broker>} (built with
 * {@code -Pperf-tools}); its whole output goes to {@code perf-tool.txt}, the figures to the result.
 */
public final class PerfToolRun {
    /** What a tool measured: publish and consume rates (msg/s), and the tool's own latency figures if any. */
    public record Figures(String tool, String command, double publishRate, double consumeRate, Map<String, String> extra) {}

    private final BrokerTarget target;
    private final Workload workload;
    private final Path dir;
    private final PrintStream out;

    public PerfToolRun(BrokerTarget target, Workload workload, Path dir, PrintStream out) {
        this.target = target;
        this.workload = workload;
        this.dir = dir;
        this.out = out;
    }

    /** The tool class path file of {@code broker}, searched from the working directory upwards, or {@code null}. */
    public static Path classpathFile(String broker) {
        String relative = "brokers/perf-" + broker + "/target/tool-classpath.txt";
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve(relative);
            if (Files.isRegularFile(f)) return f;
        }
        return null;
    }

    public Figures run() throws Exception {
        Path cpFile = classpathFile(target.broker());
        if (cpFile == null) {
            throw new IllegalStateException("no perf tool class path for " + target.broker() + " (brokers/perf-" + target.broker()
                    + "/target/tool-classpath.txt); build it with: mvn -Pperf-tools -pl brokers/perf-" + target.broker() + " install");
        }
        String cp = Files.readString(cpFile).trim();
        Files.createDirectories(dir);
        String topic = "perftool-" + UUID.randomUUID().toString().substring(0, 8);
        long seconds = workload.warmup().toSeconds() + workload.duration().toSeconds();
        return switch (target.broker()) {
            case "kafka" -> kafka(cp, topic, seconds);
            case "pulsar" -> pulsar(cp, topic, seconds);
            case "rabbitmq" -> rabbitmq(cp, topic, seconds);
            default -> throw new IllegalArgumentException("no perf tool for " + target.broker() + " (kafka, pulsar, rabbitmq)");
        };
    }

    private Figures kafka(String cp, String topic, long seconds) throws Exception {
        try (BenchClient admin = target.nativeClient()) {
            admin.createTopic(topic, workload.partitions());
        }
        String bootstrap = target.url().replaceFirst("^kafka://", "");
        long records = workload.rate() > 0 ? workload.rate() * seconds : 2_000_000L;
        List<String> producer = List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", Long.toString(records), "--record-size", Integer.toString(workload.messageSize()),
                "--throughput", workload.rate() > 0 ? Long.toString(workload.rate()) : "-1",
                "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "enable.idempotence=true",
                "max.request.size=" + (8 * 1024 * 1024 + 64 * 1024));
        String p = runTool(cp, producer, "producer", seconds * 4 + 120);
        Matcher m = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th").matcher(p);
        Map<String, String> extra = new LinkedHashMap<>();
        double publish = Double.NaN;
        if (m.find()) {
            publish = Double.parseDouble(m.group(2));
            extra.put("producer latency p50 ms", m.group(6));
            extra.put("producer latency p99 ms", m.group(8));
        }
        List<String> consumer = List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
                "--topic", topic, "--messages", Long.toString(records), "--group", topic, "--timeout", "60000");
        String c = runTool(cp, consumer, "consumer", seconds * 4 + 120);
        double consume = Double.NaN;
        // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        for (String line : c.split("\n")) {
            String[] f = line.split(",\\s*");
            if (f.length >= 10 && f[5].matches("[\\d.]+")) {
                consume = Double.parseDouble(f[9].trim()); // fetch.nMsg.sec: after the group joined, as the harness measures
                extra.put("consumer nMsg.sec incl. rebalance", f[5].trim());
            }
        }
        return new Figures("kafka-tools " + version(cp, "kafka-tools"), String.join(" ", producer) + "  +  " + String.join(" ", consumer),
                publish, consume, extra);
    }

    private Figures pulsar(String cp, String topic, long seconds) throws Exception {
        Path conf = dir.resolve("client.conf");
        Files.writeString(conf, "");
        String full = "persistent://public/default/" + topic;
        List<String> consumer = List.of("org.apache.pulsar.testclient.PulsarPerfTestTool", conf.toString(), "consume",
                "-u", target.url(), "-ss", "perftool", "-st", "Key_Shared", "-q", Integer.toString(Math.min(1000, workload.maxOutstanding())),
                "--batch-index-ack", "--acks-delay-millis", "10", "-time", Long.toString(seconds + 5), "-i", "5", full);
        List<String> producer = List.of("org.apache.pulsar.testclient.PulsarPerfTestTool", conf.toString(), "produce",
                "-u", target.url(), "-r", workload.rate() > 0 ? Long.toString(workload.rate()) : "10000000",
                "-s", Integer.toString(workload.messageSize()), "-o", Integer.toString(workload.maxOutstanding()),
                "-b", "1", "-mk", workload.keys() > 0 ? "random" : "autoIncrement", "-time", Long.toString(seconds), "-i", "5", full);
        ForkedTool consume = start(cp, consumer, "consumer");
        TimeUnit.SECONDS.sleep(3); // the subscription exists before the first message (pulsar-perf subscribes at Latest)
        String p = runTool(cp, producer, "producer", seconds * 4 + 120);
        String c = consume.await(seconds * 4 + 120);
        double publish = lastDouble(p, "Aggregated throughput stats --- \\d+ records sent --- ([\\d.]+) msg/s");
        double consume2 = lastDouble(c, "Aggregated throughput stats --- \\d+ records received --- ([\\d.]+) msg/s");
        Map<String, String> extra = new LinkedHashMap<>();
        Matcher lat = Pattern.compile("Aggregated latency stats --- Latency: mean:\\s*([\\d.]+) ms - med:\\s*([\\d.]+) - 95pct:\\s*([\\d.]+) - 99pct:\\s*([\\d.]+)").matcher(p);
        if (lat.find()) {
            extra.put("producer latency p50 ms", lat.group(2));
            extra.put("producer latency p99 ms", lat.group(4));
        }
        return new Figures("pulsar-testclient " + version(cp, "pulsar-testclient"), String.join(" ", producer) + "  +  "
                + String.join(" ", consumer), publish, consume2, extra);
    }

    private Figures rabbitmq(String cp, String topic, long seconds) throws Exception {
        URI u = URI.create(target.url());
        List<String> cmd = List.of("com.rabbitmq.perf.PerfTest", "--uri", target.url(), "-x", "1", "-y", "1",
                "-s", Integer.toString(workload.messageSize()), "-z", Long.toString(seconds), "-f", "persistent",
                "-c", Integer.toString(workload.maxOutstanding()), "-q", Integer.toString(workload.maxOutstanding()),
                "-u", topic, "--quorum-queue", "-ad", "false",
                "-i", "5");
        if (workload.rate() > 0) {
            List<String> rated = new ArrayList<>(cmd);
            rated.add("-r");
            rated.add(Long.toString(workload.rate()));
            cmd = rated;
        }
        String o = runTool(cp, cmd, "perftest", seconds * 4 + 120);
        double publish = lastDouble(o, "sending rate avg: ([\\d.]+) msg/s");
        double consume = lastDouble(o, "receiving rate avg: ([\\d.]+) msg/s");
        Map<String, String> extra = new LinkedHashMap<>();
        Matcher lat = Pattern.compile("consumer latency min/median/75th/95th/99th ([\\d./]+) (µs|ms)").matcher(o);
        String last = null;
        while (lat.find()) last = lat.group(1) + " " + lat.group(2);
        if (last != null) extra.put("consumer latency min/median/75th/95th/99th", last);
        return new Figures("perf-test " + version(cp, "perf-test"), String.join(" ", cmd).replace(target.url(), redact(u)),
                publish, consume, extra);
    }

    private static String redact(URI u) { return u.toString().replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@"); }

    private static double lastDouble(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        double v = Double.NaN;
        while (m.find()) v = Double.parseDouble(m.group(1));
        return v;
    }

    private static String version(String cp, String artifact) {
        Matcher m = Pattern.compile("/" + Pattern.quote(artifact) + "/([^/]+)/").matcher(cp);
        return m.find() ? m.group(1) : "";
    }

    private String runTool(String cp, List<String> args, String name, long timeoutSeconds) throws Exception {
        return start(cp, args, name).await(timeoutSeconds);
    }

    private ForkedTool start(String cp, List<String> args, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", cp));
        command.addAll(args);
        Path log = dir.resolve("perf-tool-" + name + ".txt");
        out.println("bench: running " + name + ": " + String.join(" ", args).replaceAll("://([^:/@]+):[^@/]*@", "://$1:****@"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ForkedTool(name, p, log);
    }

    private record ForkedTool(String name, Process process, Path log) {
        String await(long timeoutSeconds) throws Exception {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within " + timeoutSeconds + " s; see " + log);
            }
            String text = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            return text;
        }
    }

    /** The figures as a Markdown section. */
    public static String markdown(String broker, Workload w, Figures f, String note) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(f.tool()).append(" on ").append(broker).append(", shape of `").append(w.name()).append("`\n\n");
        if (note != null && !note.isBlank()) sb.append("> ").append(note).append("\n\n");
        sb.append("- Command: `").append(f.command()).append("`\n");
        sb.append(String.format(Locale.ROOT, "- Publish rate: %,.0f msg/s%n- Consume rate: %,.0f msg/s%n", f.publishRate(), f.consumeRate()));
        f.extra().forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append("\n"));
        return sb.toString();
    }
}
