package dev.omnibus.conformance.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Captures what a block of code logs, for tests asserting that secrets never reach a log line. Tests here
 * log through slf4j-simple, which writes to System.err (the default), System.out, or the file named by
 * {@code org.slf4j.simpleLogger.logFile} (system property or {@code simplelogger.properties}): System.err
 * and System.out are teed while the block runs, and what the log file gained meanwhile is read back.
 * Not thread-safe against other tests swapping System.err at the same time.
 */
public final class LogCapture {
    private LogCapture() {}

    /** What {@code action} returned and everything logged while it ran. */
    public record Captured<T>(T result, Throwable failure, String logs) {}

    /** Runs {@code action}, capturing its logs; a thrown exception is returned, not rethrown. */
    public static <T> Captured<T> run(Supplier<T> action) {
        Path logFile = slf4jSimpleLogFile();
        long fileStart = sizeOf(logFile);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        PrintStream out = System.out;
        System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
        T result = null;
        Throwable failure = null;
        try {
            result = action.get();
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        String logs = captured.toString(StandardCharsets.UTF_8) + appended(logFile, fileStart);
        return new Captured<>(result, failure, logs);
    }

    /** The slf4j-simple log file, or {@code null} when it logs to System.err or System.out. */
    static Path slf4jSimpleLogFile() {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        if (file == null) {
            Properties p = new Properties();
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("simplelogger.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            file = p.getProperty("org.slf4j.simpleLogger.logFile");
        }
        return file == null || file.equals("System.err") || file.equals("System.out") ? null : Path.of(file);
    }

    private static long sizeOf(Path file) {
        try {
            return file == null || !Files.exists(file) ? 0 : Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String appended(Path file, long from) {
        if (file == null || !Files.exists(file)) return "";
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= from) return "";
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE, length - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes to the original stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override public void write(int b) throws IOException {
            original.write(b);
            synchronized (copy) { copy.write(b); }
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            original.write(b, off, len);
            synchronized (copy) { copy.write(b, off, len); }
        }

        @Override public void flush() throws IOException { original.flush(); }
    }
}
