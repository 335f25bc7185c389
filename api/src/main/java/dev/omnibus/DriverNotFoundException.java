package dev.omnibus;

import java.util.Collection;

/** No driver on the class path serves the URL's scheme. Names the scheme and the schemes found. */
public class DriverNotFoundException extends ConfigurationException {
    public DriverNotFoundException(String scheme, Collection<String> available) {
        super("No Omnibus driver for scheme '" + scheme + "'. Drivers on the class path serve " + available
                + "; add the matching omnibus-driver-* dependency or fix the URL.");
    }
}
