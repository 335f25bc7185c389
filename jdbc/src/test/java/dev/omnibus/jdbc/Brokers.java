package dev.omnibus.jdbc;

import dev.omnibus.spi.MessagingDriver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ServiceLoader;
import java.util.UUID;

/** Which real brokers the scenario tests can use on this machine. */
final class Brokers {
    /** The machine's shared RabbitMQ, or {@code OMNIBUS_RABBITMQ_URL}. */
    static final String RABBITMQ_URL = System.getenv().getOrDefault("OMNIBUS_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/");

    private Brokers() {}

    static boolean driverPresent(String scheme) {
        for (MessagingDriver d : ServiceLoader.load(MessagingDriver.class)) {
            if (d.scheme().equals(scheme)) return true;
        }
        return false;
    }

    /** A fresh, private in-memory broker. */
    static String memoryUrl() { return "memory://jdbc-" + UUID.randomUUID(); }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
