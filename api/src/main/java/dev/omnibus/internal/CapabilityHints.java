package dev.omnibus.internal;

import dev.omnibus.Capability;
import dev.omnibus.spi.CapabilityOffer;
import dev.omnibus.spi.MessagingDriver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Sentences saying which driver, in which configuration, provides a capability: built only from what
 * the drivers on the class path state in {@link MessagingDriver#offers()}, never hand-written.
 */
public final class CapabilityHints {
    private CapabilityHints() {}

    /** One sentence per missing capability, naming the drivers found on the class path that provide it. */
    public static String whoProvides(Set<Capability> missing) {
        return whoProvides(missing, DriverRegistry.all());
    }

    /** As {@link #whoProvides(Set)}, from the given drivers. */
    public static String whoProvides(Set<Capability> missing, Collection<MessagingDriver> drivers) {
        StringBuilder sb = new StringBuilder();
        for (Capability c : missing.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(missing)) {
            List<String> providers = new ArrayList<>();
            for (MessagingDriver d : drivers) {
                for (CapabilityOffer offer : d.offers()) {
                    if (offer.capability() != c) continue;
                    providers.add(offer.byDefault() ? d.scheme() : d.scheme() + " (with " + offer.configuration() + ")");
                }
            }
            if (sb.length() > 0) sb.append(' ');
            sb.append(c).append(providers.isEmpty()
                    ? " is provided by no driver on the class path."
                    : " is provided by " + String.join(", ", providers) + ".");
        }
        return sb.toString();
    }
}
