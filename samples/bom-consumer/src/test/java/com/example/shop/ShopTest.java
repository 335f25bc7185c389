package com.example.shop;

import dev.omnibus.Messaging;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;

class ShopTest {
    @Test void ordersReachTheWarehouseOnTheEmbeddedBroker() throws Exception {
        try (Messaging bus = Messaging.connect("memory://shop-test")) {
            assertNotNull(Shop.placeOrder(bus));
        }
    }
}
