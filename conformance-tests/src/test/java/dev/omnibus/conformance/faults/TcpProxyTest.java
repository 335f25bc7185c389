package dev.omnibus.conformance.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The proxy against a real echo server on loopback. */
class TcpProxyTest {
    private final ServerSocket echo;
    private final TcpProxy proxy;

    TcpProxyTest() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) { /* closed */ }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) { return; }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = new TcpProxy(echo.getLocalPort());
    }

    @AfterEach void close() throws IOException { proxy.close(); echo.close(); }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes());
        byte[] buf = new byte[text.length()];
        new DataInputStream(s.getInputStream()).readFully(buf);
        return new String(buf);
    }

    @Test void forwardsBothWays() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesForwarded() == 10); // counted after each write
    }

    @Test void cutClosesConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        assertThat(roundTrip(s, "a")).isEqualTo("a");
        proxy.cut();
        assertThatThrownBy(() -> { for (int i = 0; i < 100; i++) roundTrip(s, "b"); }).isInstanceOf(IOException.class);
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            refused.setSoTimeout(2_000);
            assertThat(refused.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
        }
        proxy.restore();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                return roundTrip(again, "c").equals("c");
            }
        });
    }

    @Test void frozenConnectionsStayOpenButCarryNothing() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.freeze();
            s.setSoTimeout(300);
            s.getOutputStream().write("y".getBytes());
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.restore();
            s.setSoTimeout(5_000);
            assertThat((char) s.getInputStream().read()).isEqualTo('y');
        }
    }
}
