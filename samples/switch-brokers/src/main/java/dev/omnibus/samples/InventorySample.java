package dev.omnibus.samples;

import dev.omnibus.Capability;
import dev.omnibus.Message;
import dev.omnibus.Messaging;
import dev.omnibus.MessagingConfig;
import dev.omnibus.SubscribeOptions;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The same jar against any broker: nothing here names one. The URL comes from {@code OMNIBUS_URL}
 * (or {@code omnibus.properties}); the application states what it relies on with
 * {@link MessagingConfig.Builder#require}, so a broker that lacks it is refused at start-up, with the
 * names of the brokers that have it, instead of misbehaving later.
 *
 * <p>Stock movements for three SKUs are applied by a consumer group with four workers. "Set" and
 * "adjust" do not commute, so the final stock is right only if each SKU's movements are applied in
 * publish order — which per-key ordering guarantees on every broker that declares it.
 */
public final class InventorySample {
    static final String MOVEMENTS = "inventory.movements";

    /** A stock movement: {@code set} to an absolute level, or {@code adjust} by a delta. */
    public record StockMoved(String sku, String kind, int amount) {}

    private InventorySample() {}

    public static void main(String[] args) throws Exception {
        MessagingConfig env = MessagingConfig.fromEnvironment();
        System.exit(run(MessagingConfig.builder(env.url()).options(env.options()).build(), System.out));
    }

    static int run(MessagingConfig base, PrintStream out) throws Exception {
        MessagingConfig config = MessagingConfig.builder(base.url()).options(base.options())
                .require(Capability.CONSUMER_GROUPS, Capability.PER_KEY_ORDERING).build();
        Map<String, Integer> stock = new ConcurrentHashMap<>();
        Map<String, Integer> expected = new TreeMap<>();
        int movements = 0;
        try (Messaging bus = Messaging.connect(config)) {
            out.println("broker: " + bus.driverName() + " (" + bus.brokerDescription() + "), capabilities "
                    + new TreeSet<>(bus.capabilities()));
            CountDownLatch applied = new CountDownLatch(3 * 40);
            bus.subscribe(MOVEMENTS, SubscribeOptions.group("stock-keeper").concurrency(4), d -> {
                StockMoved m = d.data(StockMoved.class);
                stock.merge(m.sku(), m.amount(), (old, amount) -> m.kind().equals("set") ? amount : old + amount);
                if (m.kind().equals("set")) stock.put(m.sku(), m.amount());
                applied.countDown();
            });
            for (int i = 0; i < 40; i++) {
                for (String sku : new String[] {"PROD-441", "PROD-109", "PROD-777"}) {
                    StockMoved m = i % 10 == 0 ? new StockMoved(sku, "set", 100 + i) : new StockMoved(sku, "adjust", i % 3 - 1);
                    expected.merge(sku, m.amount(), (old, amount) -> m.kind().equals("set") ? amount : old + amount);
                    bus.publish(MOVEMENTS, Message.of("com.acme.inventory.StockMoved", m).withKey(sku));
                    movements++;
                }
            }
            boolean done = applied.await(60, TimeUnit.SECONDS);
            Map<String, Integer> actual = new TreeMap<>(stock);
            out.printf("applied %d movements: stock %s, expected %s%n", movements, actual, expected);
            return done && actual.equals(expected) ? 0 : 1;
        } finally {
            out.flush();
        }
    }

}
