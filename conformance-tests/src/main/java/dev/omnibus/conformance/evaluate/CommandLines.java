package dev.omnibus.conformance.evaluate;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * How the launcher's commands ({@code evaluate}, {@code bench}) report failure: one line on standard
 * error naming the command and what went wrong (with the cause's message when it adds something), exit
 * code 1; never a stack trace. {@code OMNIBUS_DEBUG=1} prints the stack trace as well.
 */
public final class CommandLines {
    private CommandLines() {}

    /** A picocli command line for {@code command} whose execution errors print one line. */
    public static CommandLine of(String name, Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            err.println("omnibus " + name + ": " + oneLine(e));
            if ("1".equals(System.getenv("OMNIBUS_DEBUG"))) e.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    /** The exception's message, then its root cause's when different, on one line. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String cause = root == e || root.getMessage() == null || top.contains(root.getMessage()) ? "" : " (" + root.getMessage() + ")";
        return (top + cause).replaceAll("\\s*\\R\\s*", " ");
    }
}
