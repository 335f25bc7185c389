package dev.omnibus.samples;

import java.math.BigDecimal;

/** Request and reply payloads of the pricing service. */
public final class Quote {
    private Quote() {}

    /** What the caller asks: a price for {@code quantity} of {@code sku}. */
    public record Requested(String sku, int quantity) {}

    /** What the pricing service answers. */
    public record Given(String sku, int quantity, BigDecimal unitPrice, BigDecimal total) {}
}
