package dev.omnibus.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnibus.bench.Workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads workloads from YAML: a shipped one by name ({@code workloads/NAME.yaml} on the class path) or a
 * file. Every field is validated; errors name the field, the value and the accepted range. Unknown
 * fields are rejected (a typo must not silently fall back to a default).
 */
public final class WorkloadLoader {
    /** Workloads shipped in {@code src/main/resources/workloads}. */
    public static final List<String> SHIPPED = List.of("1kb-max-rate", "1kb-fixed-rate", "100b-many-keys");

    private static final Set<String> FIELDS = Set.of("name", "description", "messageSize", "keys", "partitions",
            "producers", "consumers", "consumerConcurrency", "rate", "maxOutstanding", "maxBacklog", "warmup", "duration");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private WorkloadLoader() {}

    /** A shipped workload name or a path to a YAML file. */
    public static Workload load(String nameOrFile) {
        Path file = Path.of(nameOrFile);
        if (Files.isRegularFile(file)) {
            try {
                return parse(Files.readString(file), file.toString());
            } catch (IOException e) {
                throw new InvalidWorkloadException("Cannot read workload file " + file + ": " + e.getMessage(), e);
            }
        }
        String resource = "workloads/" + nameOrFile + ".yaml";
        try (InputStream in = WorkloadLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidWorkloadException("No workload named '" + nameOrFile + "' and no such file; use one of "
                        + SHIPPED + " or a path to a YAML file", null);
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), nameOrFile);
        } catch (IOException e) {
            throw new InvalidWorkloadException("Cannot read workload " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static Workload parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new InvalidWorkloadException("Workload " + source + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new InvalidWorkloadException("Workload " + source + " must be a YAML mapping of fields " + FIELDS, null);
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) unknown.add(f);
        }
        if (!unknown.isEmpty()) {
            throw new InvalidWorkloadException(source, unknown.get(0), obj.get(unknown.get(0)).asText(),
                    "no such field; known fields are " + new java.util.TreeSet<>(FIELDS));
        }
        String name = text(obj, "name", source);
        String description = obj.hasNonNull("description") ? obj.get("description").asText() : "";
        int messageSize = integer(obj, "messageSize", source, null, Workload.HEADER_BYTES, 16 * 1024 * 1024);
        int keys = integer(obj, "keys", source, 0, 0, 10_000_000);
        int partitions = integer(obj, "partitions", source, 1, 1, 10_000);
        int producers = integer(obj, "producers", source, 1, 1, 64);
        int consumers = integer(obj, "consumers", source, 1, 1, 64);
        int concurrency = integer(obj, "consumerConcurrency", source, 1, 1, 1024);
        int rate = integer(obj, "rate", source, null, 0, 10_000_000);
        int maxOutstanding = integer(obj, "maxOutstanding", source, 1000, 1, 1_000_000);
        int maxBacklog = integer(obj, "maxBacklog", source, 0, 0, 10_000_000);
        Duration warmup = duration(obj, "warmup", source, Duration.ZERO);
        Duration duration = duration(obj, "duration", source, null);
        if (duration.isZero()) {
            throw new InvalidWorkloadException(source, "duration", obj.get("duration").asText(), "a positive duration");
        }
        return new Workload(name, description, messageSize, keys, partitions, producers, consumers, concurrency, rate,
                maxOutstanding, maxBacklog, warmup, duration);
    }

    private static String text(ObjectNode obj, String field, String source) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull() || !n.isValueNode() || n.asText().isBlank()) {
            throw new InvalidWorkloadException(source, field, n == null || n.isNull() ? null : n.toString(), "a non-empty name");
        }
        return n.asText();
    }

    private static int integer(ObjectNode obj, String field, String source, Integer defaultValue, int min, int max) {
        JsonNode n = obj.get(field);
        String accepted = "an integer from " + min + " to " + max;
        if (n == null || n.isNull()) {
            if (defaultValue == null) throw new InvalidWorkloadException(source, field, null, accepted);
            return defaultValue;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new InvalidWorkloadException(source, field, n.asText(), accepted);
        int v = n.intValue();
        if (v < min || v > max) throw new InvalidWorkloadException(source, field, v, accepted);
        return v;
    }

    /** Durations like {@code 500ms}, {@code 10s}, {@code 2m}. */
    static Duration duration(ObjectNode obj, String field, String source, Duration defaultValue) {
        JsonNode n = obj.get(field);
        String accepted = "a duration such as 500ms, 10s or 2m";
        if (n == null || n.isNull()) {
            if (defaultValue == null) throw new InvalidWorkloadException(source, field, null, accepted);
            return defaultValue;
        }
        Matcher m = DURATION.matcher(n.asText().trim().toLowerCase(Locale.ROOT));
        if (!n.isTextual() || !m.matches()) throw new InvalidWorkloadException(source, field, n.asText(), accepted);
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            default -> Duration.ofMinutes(v);
        };
    }
}
