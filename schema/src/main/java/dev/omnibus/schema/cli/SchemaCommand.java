package dev.omnibus.schema.cli;

import dev.omnibus.OmnibusException;
import dev.omnibus.schema.JdbcSchemaRegistry;
import dev.omnibus.schema.SchemaCheck;
import dev.omnibus.schema.internal.DriverManagerDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./omnibus schema check <folder>}: compares a folder of schemas with the previous versions committed
 * beside them, or with a registry ({@code --registry jdbc:postgresql://...}), prints each breaking change and
 * exits 1 if there is any (0: compatible; 2: bad usage, an unreadable folder or registry, in one line).
 */
@Command(name = "schema", mixinStandardHelpOptions = true, subcommands = SchemaCommand.Check.class,
        description = "Schema contracts: compatibility checks for CI.")
public final class SchemaCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    public static void main(String[] args) { System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true))); }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SchemaCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("schema: " + ex.getMessage() + " (see ./omnibus schema check --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            String message = ex instanceof OmnibusException || ex instanceof IllegalArgumentException
                    ? ex.getMessage() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
            err.println("schema check: " + String.valueOf(message).replaceAll("\\s*\\R\\s*", " "));
            return 2;
        });
        return cl.execute(args);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compare a folder of schemas (<subject>/v1.avsc, v2.avsc, ... or .json; optional",
                    "<subject>/compatibility holding the mode, default FULL) with the earlier versions beside",
                    "them, or with a registry. Prints every breaking change; exit 1 if any, 0 if none."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FOLDER", description = "Folder with one sub-folder per subject")
        Path folder;

        @Option(names = "--registry", paramLabel = "JDBC_URL",
                description = "Check against a PostgreSQL registry instead, e.g. jdbc:postgresql://127.0.0.1:5432/app?user=app")
        String registry;

        @Option(names = "--table-prefix", paramLabel = "PREFIX", defaultValue = JdbcSchemaRegistry.DEFAULT_PREFIX,
                description = "The registry's table prefix (default ${DEFAULT-VALUE})")
        String tablePrefix;

        @Override public Integer call() {
            SchemaCheck.Report report;
            if (registry == null) {
                report = SchemaCheck.againstFolder(folder);
            } else {
                if (!registry.startsWith("jdbc:")) {
                    throw new IllegalArgumentException("--registry must be a JDBC URL (jdbc:postgresql://...), got '" + registry
                            + "'; a Confluent-compatible REST registry is not supported yet (docs/schemas.md)");
                }
                JdbcSchemaRegistry r = JdbcSchemaRegistry.builder(new DriverManagerDataSource(registry)).tablePrefix(tablePrefix).build();
                report = SchemaCheck.againstRegistry(folder, r);
            }
            PrintWriter out = spec.commandLine().getOut();
            report.lines().forEach(out::println);
            out.println(report.summary());
            return report.ok() ? 0 : 1;
        }
    }
}
