package dev.omnibus.conformance.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP port standing in for a broker that must not be contacted: it accepts connections, counts
 * them, and says nothing back. Configuration tests point a driver at it to prove that an invalid option is
 * refused before any network call.
 */
public final class ListeningPort implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public ListeningPort() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback port", e);
        }
        acceptor = new Thread(this::acceptLoop, "listening-port-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                sockets.add(server.accept());
                accepted.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    public int port() { return server.getLocalPort(); }

    /** {@code 127.0.0.1:<port>}. */
    public String hostPort() { return "127.0.0.1:" + port(); }

    /** Connections accepted so far. */
    public int accepted() { return accepted.get(); }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            try { s.close(); } catch (IOException ignored) { /* closing */ }
        }
    }
}
