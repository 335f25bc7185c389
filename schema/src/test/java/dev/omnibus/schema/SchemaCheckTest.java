package dev.omnibus.schema;

import dev.omnibus.schema.cli.SchemaCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The build-time check: the folder rules, the JUnit helper and the {@code schema check} command's output and exit codes. */
class SchemaCheckTest {
    @TempDir Path dir;

    private Path write(String relative, String text) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private void compatibleFolder() throws IOException {
        write("orders.placed/v1.avsc", TestSchemas.AVRO_V1);
        write("orders.placed/v2.avsc", TestSchemas.AVRO_V2);
        write("orders.json/v1.json", TestSchemas.JSON_V1);
        write("orders.json/v2.json", TestSchemas.JSON_V2);
    }

    private record Run(int code, String out, String err) {}

    private static Run command(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = SchemaCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test void aCompatibleFolderPasses() throws IOException {
        compatibleFolder();
        SchemaCheck.Report report = SchemaAssertions.assertCompatible(dir);
        assertThat(report.subjects()).isEqualTo(2);
        assertThat(report.versions()).isEqualTo(4);
        Run run = command("check", dir.toString());
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("schema check: 2 subject(s), 4 version(s), no breaking change");
    }

    @Test void aBreakingVersionIsPrintedAndExitsOne() throws IOException {
        compatibleFolder();
        write("orders.placed/v3.avsc", TestSchemas.AVRO_TOTAL_AS_STRING);
        Run run = command("check", dir.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("orders.placed/v3.avsc: BACKWARD vs v2 at /fields/total: double -> string")
                .contains("orders.placed/v3.avsc: FORWARD vs v2 at /fields/total: double -> string")
                .contains("schema check: 2 breaking change(s) in 1 of 5 version(s) of 2 subject(s)");
        assertThat(run.err()).isEmpty();
        assertThatThrownBy(() -> SchemaAssertions.assertCompatible(dir)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("orders.placed/v3.avsc: BACKWARD vs v2 at /fields/total");
    }

    @Test void theModeFileApplies() throws IOException {
        write("orders.placed/v1.avsc", TestSchemas.AVRO_V2);
        write("orders.placed/v2.avsc", TestSchemas.AVRO_TOTAL_AS_STRING);
        write("orders.placed/compatibility", "NONE\n");
        assertThat(command("check", dir.toString()).code()).isZero();
        write("orders.placed/compatibility", "STRICT\n");
        Run run = command("check", dir.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n").contains("Unknown compatibility mode 'STRICT'");
    }

    @Test void layoutErrorsAreOneClearLine() throws IOException {
        Run missing = command("check", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("schema check: No schema folder at").doesNotContain("\n").doesNotContain("\tat ");

        write("orders.placed/v1.avsc", TestSchemas.AVRO_V1);
        write("orders.placed/v3.avsc", TestSchemas.AVRO_V2);
        Run gap = command("check", dir.toString());
        assertThat(gap.code()).isEqualTo(2);
        assertThat(gap.err()).contains("without gaps, found [1, 3]");

        Files.delete(dir.resolve("orders.placed/v3.avsc"));
        write("orders.placed/v2.avsc", "{\"type\": \"record\"");
        Run bad = command("check", dir.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().strip()).contains("v2.avsc").contains("Not a valid Avro schema").doesNotContain("\n");

        Run usage = command("check");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err().strip()).contains("Missing required parameter").doesNotContain("\n");
    }

    @Test void againstARegistryOnlyUnregisteredVersionsAreChecked() throws IOException {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("orders.placed", SchemaDefinition.avro(TestSchemas.AVRO_V2));
        write("orders.placed/v1.avsc", TestSchemas.AVRO_V2);
        assertThat(SchemaAssertions.assertCompatible(dir, registry).versions()).isEqualTo(1);
        write("orders.placed/v2.avsc", TestSchemas.AVRO_TOTAL_AS_STRING);
        assertThat(SchemaCheck.againstRegistry(dir, registry).lines())
                .containsExactly("orders.placed/v2.avsc: BACKWARD vs v1 at /fields/total: double -> string: TYPE_MISMATCH: "
                        + "reader type: STRING not compatible with writer type: DOUBLE",
                        "orders.placed/v2.avsc: FORWARD vs v1 at /fields/total: double -> string: TYPE_MISMATCH: "
                        + "reader type: DOUBLE not compatible with writer type: STRING");
    }

    @Test void theCommandChecksAgainstThePostgresRegistry() throws IOException {
        try (TestDatabase db = new TestDatabase()) {
            JdbcSchemaRegistry registry = JdbcSchemaRegistry.builder(db.dataSource()).tablePrefix(db.prefix("cli")).build();
            registry.createSchema();
            registry.register("orders.placed", SchemaDefinition.avro(TestSchemas.AVRO_V2));
            write("orders.placed/v1.avsc", TestSchemas.AVRO_TOTAL_AS_STRING);
            String url = System.getProperty("omnibus.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            Run run = command("check", dir.toString(), "--registry", url, "--table-prefix", db.prefix("cli"));
            assertThat(run.code()).as(run.err()).isEqualTo(1);
            assertThat(run.out()).contains("orders.placed/v1.avsc: BACKWARD vs v1 at /fields/total: double -> string");
            Run notJdbc = command("check", dir.toString(), "--registry", "http://127.0.0.1:8080/apis/ccompat/v7");
            assertThat(notJdbc.code()).isEqualTo(2);
            assertThat(notJdbc.err()).contains("--registry must be a JDBC URL");
        }
    }
}
