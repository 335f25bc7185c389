package dev.omnibus.schema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build-time check behind {@code ./omnibus schema check} and {@link SchemaAssertions}: a folder of schemas
 * compared with the previous versions committed beside them, or with a registry.
 *
 * <p>Layout: one folder per subject (the folder name is the subject), holding {@code v1.avsc, v2.avsc, ...}
 * (Avro) or {@code v1.json, v2.json, ...} (JSON Schema), numbered without gaps, and optionally a file
 * {@code compatibility} whose content is the subject's {@link CompatibilityMode} (default FULL).
 * <pre>
 * schemas/orders.placed/v1.avsc
 * schemas/orders.placed/v2.avsc
 * schemas/orders.placed/compatibility      (FULL)
 * </pre>
 * Against the folder itself, each version must be compatible with the earlier ones under the subject's mode.
 * Against a registry, each file not yet registered must be accepted by the registry (its mode, its versions).
 */
public final class SchemaCheck {
    private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]{0,8})\\.(avsc|json)");

    private SchemaCheck() {}

    /** The breaking changes of one schema file. */
    public record Refusal(String subject, Path file, List<BreakingChange> changes) {}

    /**
     * What a check found.
     *
     * @param subjects how many subjects were checked
     * @param versions how many schema files
     * @param refusals every file with breaking changes
     */
    public record Report(int subjects, int versions, List<Refusal> refusals) {
        public boolean ok() { return refusals.isEmpty(); }

        /** One line per breaking change: {@code orders.placed/v3.avsc: BACKWARD vs v2 at /fields/total: double -> string: ...}. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            for (Refusal r : refusals) {
                for (BreakingChange c : r.changes()) out.add(r.subject() + "/" + r.file().getFileName() + ": " + c);
            }
            return out;
        }

        /** The summary line. */
        public String summary() {
            int changes = refusals.stream().mapToInt(r -> r.changes().size()).sum();
            return ok() ? "schema check: " + subjects + " subject(s), " + versions + " version(s), no breaking change"
                    : "schema check: " + changes + " breaking change(s) in " + refusals.size() + " of " + versions
                    + " version(s) of " + subjects + " subject(s)";
        }
    }

    /** Checks each version of each subject in {@code folder} against the earlier versions beside it. */
    public static Report againstFolder(Path folder) {
        Map<String, Subject> subjects = read(folder);
        List<Refusal> refusals = new ArrayList<>();
        int versions = 0;
        for (Subject s : subjects.values()) {
            InMemorySchemaRegistry scratch = new InMemorySchemaRegistry("check");
            scratch.compatibility(s.name, s.mode);
            for (Map.Entry<Integer, Path> v : s.versions.entrySet()) {
                versions++;
                try {
                    scratch.register(s.name, SchemaDefinition.of(v.getValue()));
                } catch (IncompatibleSchemaException e) {
                    refusals.add(new Refusal(s.name, v.getValue(), e.changes()));
                }
            }
        }
        return new Report(subjects.size(), versions, refusals);
    }

    /**
     * Checks each schema file of {@code folder} that {@code registry} does not hold yet against the registry's
     * versions and mode (the mode files are not used: the registry's modes apply).
     */
    public static Report againstRegistry(Path folder, SchemaRegistry registry) {
        Map<String, Subject> subjects = read(folder);
        List<Refusal> refusals = new ArrayList<>();
        int versions = 0;
        for (Subject s : subjects.values()) {
            for (Path file : s.versions.values()) {
                versions++;
                List<BreakingChange> changes = registry.check(s.name, SchemaDefinition.of(file));
                if (!changes.isEmpty()) refusals.add(new Refusal(s.name, file, changes));
            }
        }
        return new Report(subjects.size(), versions, refusals);
    }

    private record Subject(String name, CompatibilityMode mode, TreeMap<Integer, Path> versions) {}

    private static Map<String, Subject> read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidSchemaException("No schema folder at " + folder.toAbsolutePath()
                    + ": pass a folder holding one sub-folder per subject (e.g. schemas/orders.placed/v1.avsc)");
        }
        Map<String, Subject> out = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(folder)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String subject = dir.getFileName().toString();
                try {
                    Subjects.check(subject);
                } catch (IllegalArgumentException e) {
                    throw new InvalidSchemaException(dir + ": " + e.getMessage());
                }
                TreeMap<Integer, Path> versions = new TreeMap<>();
                CompatibilityMode mode = CompatibilityMode.DEFAULT;
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.sorted().toList()) {
                        String name = f.getFileName().toString();
                        Matcher m = VERSION_FILE.matcher(name);
                        if (m.matches()) {
                            Path clash = versions.put(Integer.parseInt(m.group(1)), f);
                            if (clash != null) throw new InvalidSchemaException(dir + " holds both " + clash.getFileName() + " and " + name);
                        } else if (name.equals("compatibility")) {
                            mode = mode(f);
                        } else if (!name.startsWith(".") && !name.endsWith(".md")) {
                            throw new InvalidSchemaException(f + ": unexpected file; name schema versions v<N>.avsc or v<N>.json"
                                    + " and the mode file 'compatibility'");
                        }
                    }
                }
                if (versions.isEmpty()) continue;
                if (versions.lastKey() != versions.size()) {
                    throw new InvalidSchemaException(dir + ": versions must be numbered v1..v" + versions.size()
                            + " without gaps, found " + versions.keySet());
                }
                out.put(subject, new Subject(subject, mode, versions));
            }
        } catch (IOException e) {
            throw new InvalidSchemaException("Cannot read " + folder + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new InvalidSchemaException("No schemas under " + folder.toAbsolutePath()
                    + ": expected <subject>/v1.avsc or <subject>/v1.json");
        }
        return out;
    }

    private static CompatibilityMode mode(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return CompatibilityMode.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSchemaException(file + ": " + e.getMessage());
        }
    }
}
