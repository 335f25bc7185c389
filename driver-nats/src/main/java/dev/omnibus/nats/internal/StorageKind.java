package dev.omnibus.nats.internal;

import io.nats.client.api.StorageType;

/** Where JetStream keeps the streams the driver creates (the {@code storage} option). */
public enum StorageKind {
    /** On disk in the server's store directory: survives a server restart. The default. */
    FILE(StorageType.File),
    /** In the server's memory: lost when the server stops; the driver then does not declare DURABLE. */
    MEMORY(StorageType.Memory);

    private final StorageType type;

    StorageKind(StorageType type) { this.type = type; }

    StorageType type() { return type; }
}
