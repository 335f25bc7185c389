package dev.omnibus;

/** Where a NEW group starts reading. An existing group always resumes where it stopped. */
public enum StartFrom {
    /** Only messages published after the subscription is established. */
    LATEST,
    /** Every retained message; needs {@link Capability#REPLAY}. */
    EARLIEST
}
