package dev.omnibus.kafka.internal;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The broker description: {@code Kafka <major.minor> (metadata.version <level name>, cluster <id>, <n> broker[s])}.
 *
 * <p>A Kafka broker does not tell clients its software version (KIP-885 was never adopted); what the admin
 * client exposes is the cluster's finalized {@code metadata.version} feature level ({@code describeFeatures},
 * the same data as the ApiVersions response), and each level belongs to one release. The release is that of
 * the level, i.e. the Kafka version whose metadata the cluster speaks: a broker upgraded without finalizing
 * the new level still reports the older release; the patch number is never exposed.
 */
final class KafkaVersion {
    private static final Logger log = LoggerFactory.getLogger(KafkaVersion.class);
    /** {@code metadata.version} feature levels 1..29 (from Kafka's MetadataVersion), index = level - 1. */
    private static final String[] LEVELS = {
            "3.0-IV1", "3.1-IV0", "3.2-IV0", "3.3-IV0", "3.3-IV1", "3.3-IV2", "3.3-IV3", "3.4-IV0", "3.5-IV0", "3.5-IV1",
            "3.5-IV2", "3.6-IV0", "3.6-IV1", "3.6-IV2", "3.7-IV0", "3.7-IV1", "3.7-IV2", "3.7-IV3", "3.7-IV4", "3.8-IV0",
            "3.9-IV0", "4.0-IV0", "4.0-IV1", "4.0-IV2", "4.0-IV3", "4.1-IV0", "4.1-IV1", "4.2-IV0", "4.2-IV1"};

    private KafkaVersion() {}

    /** The description for a cluster already proven reachable; the version part degrades, never fails. */
    static String describe(Admin admin, String clusterId, int brokers, Duration timeout) {
        String cluster = "cluster " + clusterId + ", " + brokers + (brokers == 1 ? " broker" : " brokers");
        Short level = null;
        try {
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            FinalizedVersionRange mv = features.finalizedFeatures().get("metadata.version");
            if (mv != null) level = mv.maxVersionLevel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("describeFeatures did not tell the metadata.version: {}", e.toString());
        }
        return describe(level, cluster);
    }

    static String describe(Short level, String details) {
        if (level == null) return "Kafka unknown (" + details + ")";
        if (level < 1 || level > LEVELS.length) return "Kafka unknown (metadata.version level " + level + ", " + details + ")";
        String name = LEVELS[level - 1];
        return "Kafka " + name.substring(0, name.indexOf('-')) + " (metadata.version " + name + ", " + details + ")";
    }
}
