package dev.omnibus.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The records of a partition parked for an ordered delayed redelivery (PER_KEY with a redelivery schedule),
 * written into the metadata string of the group's committed offset, so that whichever consumer owns the
 * partition next (after a crash, a close or a rebalance) knows them: {@code omnibus-parked:1} then, per parked
 * record, {@code ;<offset>:<due epoch ms>:<history>} where the history is the message's {@code rdlv*}
 * extensions as {@code name=value} pairs, each base64url-encoded. Kafka limits the metadata to
 * {@code offset.metadata.max.bytes} (4096 by default): the error message in the history is shortened to fit
 * {@link #MAX_BYTES}, and a hand-back that would still not fit fails (the core then retries it).
 */
final class ParkedRecords {
    private static final String MAGIC = "omnibus-parked:1";
    /** Stay below Kafka's default offset.metadata.max.bytes (4096). */
    static final int MAX_BYTES = 3800;
    private static final int MAX_ERROR_CHARS = 300;

    /** One parked record: delivered again once {@code dueMs} passed, with these history extensions. */
    record Park(long dueMs, Map<String, String> history) {}

    private ParkedRecords() {}

    /** The history extensions to keep: the {@code rdlv*} ones, the error message shortened. */
    static Map<String, String> historyOf(Map<String, String> extensions) {
        Map<String, String> h = new LinkedHashMap<>();
        extensions.forEach((k, v) -> {
            if (!k.startsWith("rdlv")) return;
            h.put(k, k.equals(dev.omnibus.Redeliveries.ERROR_MESSAGE) && v.length() > MAX_ERROR_CHARS
                    ? v.substring(0, MAX_ERROR_CHARS) : v);
        });
        return h;
    }

    static String encode(NavigableMap<Long, Park> parked) {
        if (parked.isEmpty()) return "";
        StringBuilder b = new StringBuilder(MAGIC);
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        parked.forEach((offset, park) -> {
            b.append(';').append(offset).append(':').append(park.dueMs()).append(':');
            boolean first = true;
            for (Map.Entry<String, String> e : park.history().entrySet()) {
                if (!first) b.append(',');
                first = false;
                b.append(enc.encodeToString(e.getKey().getBytes(StandardCharsets.UTF_8))).append('=')
                        .append(enc.encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        });
        return b.toString();
    }

    /** The parked records in a committed offset's metadata; empty for anything else (e.g. no metadata). */
    static NavigableMap<Long, Park> decode(String metadata) {
        NavigableMap<Long, Park> parked = new TreeMap<>();
        if (metadata == null || !metadata.startsWith(MAGIC)) return parked;
        Base64.Decoder dec = Base64.getUrlDecoder();
        try {
            for (String entry : metadata.substring(MAGIC.length()).split(";")) {
                if (entry.isEmpty()) continue;
                String[] parts = entry.split(":", 3);
                Map<String, String> history = new LinkedHashMap<>();
                if (parts.length > 2 && !parts[2].isEmpty()) {
                    for (String pair : parts[2].split(",")) {
                        String[] kv = pair.split("=", 2);
                        history.put(new String(dec.decode(kv[0]), StandardCharsets.UTF_8), new String(dec.decode(kv[1]), StandardCharsets.UTF_8));
                    }
                }
                parked.put(Long.parseLong(parts[0]), new Park(Long.parseLong(parts[1]), history));
            }
        } catch (RuntimeException e) {
            return new TreeMap<>(); // not ours after all
        }
        return parked;
    }
}
