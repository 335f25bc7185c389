package com.example.shop;

import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.SubscribeOptions;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A user's application: it only knows the Omnibus API; the broker comes from OMNIBUS_URL. */
public final class Shop {
    private Shop() {}

    /** Publishes one order and returns the id the "warehouse" group received. */
    public static String placeOrder(Messaging bus) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        bus.subscribe("shop.orders", SubscribeOptions.group("warehouse"), d -> received.complete(d.id()));
        bus.publish("shop.orders", Message.of("com.example.shop.OrderPlaced", java.util.Map.of("sku", "BOOK-1")).withKey("o-1"))
                .get(30, TimeUnit.SECONDS);
        return received.get(30, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        try (Messaging bus = Messaging.connectFromEnvironment()) {
            System.out.println("warehouse received order event " + placeOrder(bus) + " via " + bus.driverName());
        }
    }
}
