package dev.omnibus;

import java.util.Set;

/**
 * The application asked for a semantic the connected driver (in its current configuration) does not
 * declare. Omnibus fails fast instead of silently degrading.
 */
public class UnsupportedCapabilityException extends OmnibusException {
    private final Set<Capability> missing;

    public UnsupportedCapabilityException(String driver, Set<Capability> missing, String what) {
        super("Driver '" + driver + "' does not provide " + missing + " needed for " + what
                + ". " + dev.omnibus.internal.CapabilityHints.whoProvides(missing));
        this.missing = Set.copyOf(missing);
    }

    /** The capabilities that were asked for and are missing. */
    public Set<Capability> missing() { return missing; }
}
