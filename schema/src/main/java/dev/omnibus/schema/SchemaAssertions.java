package dev.omnibus.schema;

import java.nio.file.Path;

/**
 * The build-time check as a test assertion (JUnit, TestNG or any framework: failures are
 * {@link AssertionError}s listing every breaking change).
 *
 * <pre>{@code
 * @Test void schemasStayCompatible() {
 *     SchemaAssertions.assertCompatible(Path.of("src/main/schemas"));
 * }
 * }</pre>
 */
public final class SchemaAssertions {
    private SchemaAssertions() {}

    /** Every version in {@code folder} is compatible with the earlier versions beside it (see {@link SchemaCheck}). */
    public static SchemaCheck.Report assertCompatible(Path folder) {
        return require(SchemaCheck.againstFolder(folder));
    }

    /** Every schema in {@code folder} would be accepted by {@code registry}. */
    public static SchemaCheck.Report assertCompatible(Path folder, SchemaRegistry registry) {
        return require(SchemaCheck.againstRegistry(folder, registry));
    }

    private static SchemaCheck.Report require(SchemaCheck.Report report) {
        if (!report.ok()) throw new AssertionError(report.summary() + ":\n  " + String.join("\n  ", report.lines()));
        return report;
    }
}
