package dev.omnibus.samples;

import java.math.BigDecimal;

/** The seed scenario's domain event: an order was placed. */
public record OrderPlaced(String orderId, String customerId, String sku, int quantity, BigDecimal total) {}
