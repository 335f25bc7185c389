package dev.omnibus.pulsar.internal;

import org.apache.pulsar.common.api.proto.BaseCommand;
import org.apache.pulsar.common.protocol.Commands;
import org.apache.pulsar.shade.io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The broker description, {@code Apache Pulsar <version>}: the version the broker reports in the binary
 * protocol's {@code CONNECTED} answer ({@code server_version}, e.g. {@code Pulsar Server4.0.7}), asked on a
 * short-lived connection of its own because the client keeps it to itself; else the admin API's
 * {@code /admin/v2/brokers/version}; else {@code Apache Pulsar unknown}.
 */
final class PulsarVersion {
    private static final Logger log = LoggerFactory.getLogger(PulsarVersion.class);
    private static final String SERVER_PREFIX = "Pulsar Server";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private PulsarVersion() {}

    static String describe(PulsarSettings s) {
        Optional<String> version = s.plainConnection() ? fromConnect(s.firstHost(), s.firstPort()) : Optional.empty();
        if (version.isEmpty()) version = fromAdmin(s.adminUrl());
        return "Apache Pulsar " + version.orElse("unknown");
    }

    /** One CONNECT/CONNECTED exchange without authentication; empty when the broker wants TLS or credentials. */
    static Optional<String> fromConnect(String host, int port) {
        try (Socket socket = new Socket()) {
            int ms = (int) TIMEOUT.toMillis();
            socket.connect(new InetSocketAddress(host, port), ms);
            socket.setSoTimeout(ms);
            ByteBuf frame = Commands.newConnect("none", "", "omnibus-version-probe");
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            frame.release();
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int total = in.readInt();
            int commandSize = in.readInt();
            if (commandSize <= 0 || commandSize > total || commandSize > 64 * 1024) return Optional.empty();
            BaseCommand command = new BaseCommand();
            command.parseFrom(in.readNBytes(commandSize));
            if (!command.hasConnected() || !command.getConnected().hasServerVersion()) return Optional.empty();
            String v = command.getConnected().getServerVersion().trim();
            return Optional.of(v.startsWith(SERVER_PREFIX) ? v.substring(SERVER_PREFIX.length()).trim() : v);
        } catch (Exception e) {
            log.debug("Pulsar broker at {}:{} did not tell its version on connect: {}", host, port, e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> fromAdmin(String adminUrl) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/admin/v2/brokers/version"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().length() < 100) return Optional.of(r.body().replace("\"", "").trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Pulsar admin API at {} did not tell the broker version: {}", adminUrl, e.toString());
        }
        return Optional.empty();
    }
}
