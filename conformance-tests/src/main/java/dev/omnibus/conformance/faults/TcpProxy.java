package dev.omnibus.conformance.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy for fault tests: clients connect to {@link #port()}, bytes flow to the
 * target. {@link #cut()} closes every connection and refuses new ones (accepted, then closed at
 * once) until {@link #restore()}; {@link #freeze()} keeps connections open but stops forwarding
 * bytes (a frozen network: timeouts must fire, nothing may hang). One thread per direction per
 * connection: fine for tests.
 */
public final class TcpProxy implements AutoCloseable {
    /** What the proxy does with traffic. */
    public enum Mode { FORWARD, CUT, FROZEN }

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytes = new AtomicLong();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    /** Starts a proxy on a free loopback port in front of 127.0.0.1:{@code targetPort}. */
    public TcpProxy(int targetPort) { this(0, targetPort); }

    /** Starts a proxy on {@code listenPort} (0 = any free port). */
    public TcpProxy(int listenPort, int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on port " + listenPort, e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() { return server.getLocalPort(); }

    public Mode mode() { return mode; }

    /** Bytes forwarded so far (both directions). */
    public long bytesForwarded() { return bytes.get(); }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    /** Stops forwarding without closing anything. */
    public void freeze() { mode = Mode.FROZEN; }

    /** Back to forwarding. Connections cut earlier stay closed; clients reconnect. */
    public void restore() {
        mode = Mode.FORWARD;
        synchronized (gate) { gate.notifyAll(); }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (mode == Mode.CUT) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                } catch (IOException refused) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                if (!closed) continue;
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitNotFrozen();
                    if (mode == Mode.CUT || closed) break;
                    out.write(buf, 0, n);
                    out.flush();
                    bytes.addAndGet(n);
                }
            } catch (IOException | InterruptedException ignored) {
                // connection closed or cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-" + port() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void awaitNotFrozen() throws InterruptedException {
        synchronized (gate) {
            while (mode == Mode.FROZEN && !closed) gate.wait(100);
        }
    }

    private void closeAll() {
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    private static void closeQuietly(Socket s) {
        try { s.close(); } catch (IOException ignored) { /* already closed */ }
    }

    @Override
    public void close() {
        closed = true;
        restore();
        try { server.close(); } catch (IOException ignored) { /* closing */ }
        closeAll();
    }
}
