package com.acme.orders.v2;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A specific record for the seed's OrderPlaced v2, written as avro-maven-plugin generates one (the schema in
 * SCHEMA$, positional get/put), so the tests exercise the specific-record path without a code generator.
 */
public class OrderPlaced extends SpecificRecordBase {
    public static final Schema SCHEMA$ = new Schema.Parser().parse("""
            {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.orders.v2", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "total", "type": "double"},
              {"name": "currency", "type": "string", "default": "USD"},
              {"name": "region", "type": ["null", "string"], "default": null}]}""");

    private CharSequence orderId;
    private CharSequence customerId;
    private double total;
    private CharSequence currency;
    private CharSequence region;

    public OrderPlaced() {}

    public OrderPlaced(String orderId, String customerId, double total, String currency, String region) {
        this.orderId = orderId;
        this.customerId = customerId;
        this.total = total;
        this.currency = currency;
        this.region = region;
    }

    public static Schema getClassSchema() { return SCHEMA$; }
    @Override public Schema getSchema() { return SCHEMA$; }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> orderId;
            case 1 -> customerId;
            case 2 -> total;
            case 3 -> currency;
            case 4 -> region;
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> orderId = (CharSequence) value;
            case 1 -> customerId = (CharSequence) value;
            case 2 -> total = (Double) value;
            case 3 -> currency = (CharSequence) value;
            case 4 -> region = (CharSequence) value;
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        }
    }

    public String orderId() { return orderId == null ? null : orderId.toString(); }
    public String customerId() { return customerId == null ? null : customerId.toString(); }
    public double total() { return total; }
    public String currency() { return currency == null ? null : currency.toString(); }
    public String region() { return region == null ? null : region.toString(); }
}
