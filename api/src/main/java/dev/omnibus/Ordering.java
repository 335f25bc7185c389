package dev.omnibus;

/** The ordering a subscription asks for. */
public enum Ordering {
    /** Messages of one key are handled one at a time in publish order (needs {@link Capability#PER_KEY_ORDERING}). */
    PER_KEY,
    /** No ordering promise: any message may run on any worker at any time. */
    NONE
}
