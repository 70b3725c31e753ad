package io.fleetgate;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of core, read from its main source files: every {@code import} (static ones too) and
 * every fully qualified {@code io.fleetgate…} name written in code (comments and string literals
 * are left out), checked against these rules:
 *
 * <ul>
 *   <li>the rule packages are layered {@code geo} &lt; {@code access} &lt; {@code session} &lt;
 *       {@code position} (the stream's records) &lt; {@code execution} &lt; {@code supervisor}, and {@code exclusive} stands beside them on
 *       {@code geo} alone (no other rule package uses it, and it uses none of {@code access},
 *       {@code session}, {@code execution}, {@code supervisor}): a class in a rule package uses
 *       only rule packages below it, plus
 *       {@code io.fleetgate}'s root types other than {@link Fleetgate}, {@code io.fleetgate.error},
 *       {@code io.fleetgate.spi} and {@code io.fleetgate.internal};</li>
 *   <li>{@code io.fleetgate.spi}, {@code .error}, {@code .internal} and {@code .testing} never use a
 *       {@code *Service} class;</li>
 *   <li>root types other than {@link Fleetgate} use no rule package's service;</li>
 *   <li>nothing in core's main code uses {@code io.fleetgate.testing} but that package itself.</li>
 * </ul>
 *
 * A failure names each offending file, line and import. The checker ({@link Layers}) is a pure
 * function of a file's package and what it uses, tested below on made-up lists so that a rule
 * that can never fail shows up here.
 */
class ArchitectureTest {
    /** Core's main sources; surefire runs in the module's directory. */
    private static final Path MAIN = Path.of("src", "main", "java");

    // --- core's main code ---------------------------------------------------------------------

    @Test
    void mainSourcesWhenCheckedThenNoClassUsesAPackageItsLayerMayNot() {
        List<SourceFile> files = SourceFile.readAll(MAIN);

        assertThat(files).as("core's main sources in %s", MAIN.toAbsolutePath()).hasSizeGreaterThan(50)
                .extracting(SourceFile::packageName)
                .contains("io.fleetgate.geo", "io.fleetgate.access", "io.fleetgate.session", "io.fleetgate.execution",
                        "io.fleetgate.supervisor", "io.fleetgate.exclusive", "io.fleetgate.spi", "io.fleetgate.testing");
        List<String> violations = files.stream().flatMap(f -> Layers.violations(f).stream()).toList();
        assertThat(violations).as("imports across the layers of core (see ArchitectureTest's javadoc)").isEmpty();
    }

    @Test
    void mainSourcesWhenReadThenEveryImportAndQualifiedNameIsSeen() {
        SourceFile service = SourceFile.readAll(MAIN).stream()
                .filter(f -> f.file().endsWith(Path.of("execution", "DriverExecutionService.java")))
                .findFirst().orElseThrow();

        assertThat(service.packageName()).isEqualTo("io.fleetgate.execution");
        assertThat(service.uses()).extracting(Use::name).contains("io.fleetgate.spi.EventLog", "io.fleetgate.Principal");
    }

    // --- the checker, on made-up files --------------------------------------------------------

    @Test
    void checkerWhenRulePackageUsesOneAboveItThenNamesFileLineAndImport() {
        assertThat(Layers.violations(file("session/SessionService.java", "io.fleetgate.session",
                "io.fleetgate.execution.Batch", "io.fleetgate.access.Membership", "io.fleetgate.geo.Coordinate")))
                .singleElement().asString()
                .contains("session/SessionService.java:1", "io.fleetgate.execution.Batch", "io.fleetgate.session");
        assertThat(Layers.violations(file("geo/Geo.java", "io.fleetgate.geo", "io.fleetgate.access.Role"))).hasSize(1);
        assertThat(Layers.violations(file("access/AccessService.java", "io.fleetgate.access",
                "io.fleetgate.supervisor.ReviewPage"))).hasSize(1);
        assertThat(Layers.violations(file("execution/X.java", "io.fleetgate.execution", "io.fleetgate.supervisor.ReviewPage",
                "io.fleetgate.exclusive.Charger"))).hasSize(2);
        assertThat(Layers.violations(file("supervisor/X.java", "io.fleetgate.supervisor", "io.fleetgate.execution.Batch",
                "io.fleetgate.session.DeviceSession", "io.fleetgate.access.Role", "io.fleetgate.geo.Coordinate"))).isEmpty();
    }

    @Test
    void checkerWhenExclusiveUsesAnyRulePackageButGeoThenViolation() {
        for (String other : List.of("access.Role", "session.DeviceSession", "execution.Batch", "supervisor.ReviewPage")) {
            assertThat(Layers.violations(file("exclusive/ExclusiveSessionService.java", "io.fleetgate.exclusive",
                    "io.fleetgate." + other))).as(other).singleElement().asString()
                    .contains("exclusive/ExclusiveSessionService.java", "io.fleetgate." + other);
        }
        assertThat(Layers.violations(file("exclusive/X.java", "io.fleetgate.exclusive", "io.fleetgate.geo.Coordinate",
                "io.fleetgate.spi.PlaceDirectory", "io.fleetgate.error.NotFoundException", "io.fleetgate.internal.Context",
                "io.fleetgate.ExclusiveSettings", "java.util.List", "org.slf4j.Logger"))).isEmpty();
    }

    @Test
    void checkerWhenRulePackageUsesFleetgateOrTestingThenViolation() {
        assertThat(Layers.violations(file("session/X.java", "io.fleetgate.session", "io.fleetgate.Fleetgate")))
                .singleElement().asString().contains("io.fleetgate.Fleetgate");
        assertThat(Layers.violations(file("session/X.java", "io.fleetgate.session", "io.fleetgate.Fleetgate.Builder")))
                .hasSize(1);
        assertThat(Layers.violations(file("session/X.java", "io.fleetgate.session", "io.fleetgate.FleetgateSettings",
                "io.fleetgate.Principal.Driver"))).isEmpty();
        assertThat(Layers.violations(file("execution/X.java", "io.fleetgate.execution", "io.fleetgate.testing.InMemoryStore")))
                .hasSize(1);
    }

    @Test
    void checkerWhenSpiErrorInternalOrTestingUsesAServiceThenViolation() {
        for (String pkg : List.of("spi", "error", "internal", "testing")) {
            assertThat(Layers.violations(file(pkg + "/X.java", "io.fleetgate." + pkg, "io.fleetgate.session.SessionService")))
                    .as(pkg).singleElement().asString().contains(pkg + "/X.java", "io.fleetgate.session.SessionService");
        }
        assertThat(Layers.violations(file("internal/X.java", "io.fleetgate.internal",
                "io.fleetgate.session.HashingLimit", "java.util.concurrent.ExecutorService"))).isEmpty();
        assertThat(Layers.violations(file("spi/X.java", "io.fleetgate.spi", "io.fleetgate.execution.Batch",
                "io.fleetgate.exclusive.ExclusiveSession"))).isEmpty();
    }

    @Test
    void checkerWhenRootTypeOtherThanFleetgateUsesAServiceThenViolation() {
        assertThat(Layers.violations(file("Settings.java", "io.fleetgate", "io.fleetgate.execution.DriverExecutionService")))
                .singleElement().asString().contains("Settings.java", "io.fleetgate.execution.DriverExecutionService");
        assertThat(Layers.violations(file("Fleetgate.java", "io.fleetgate", "io.fleetgate.execution.DriverExecutionService",
                "io.fleetgate.supervisor.SupervisorService"))).isEmpty();
        assertThat(Layers.violations(file("Principal.java", "io.fleetgate", "io.fleetgate.execution.Batch"))).isEmpty();
    }

    @Test
    void checkerWhenAnythingButTestingUsesTestingThenViolation() {
        assertThat(Layers.violations(file("internal/Context.java", "io.fleetgate.internal", "io.fleetgate.testing.InMemoryStore")))
                .singleElement().asString().contains("internal/Context.java", "io.fleetgate.testing.InMemoryStore");
        assertThat(Layers.violations(file("Fleetgate.java", "io.fleetgate", "io.fleetgate.testing.InMemoryStore"))).hasSize(1);
        assertThat(Layers.violations(file("testing/InMemoryStore.java", "io.fleetgate.testing",
                "io.fleetgate.testing.InMemoryExecution", "io.fleetgate.execution.Batch"))).isEmpty();
    }

    @Test
    void readerWhenNamesInCommentsStringsAndCodeThenOnlyCodeAndImportsCount() {
        String source = """
                package io.fleetgate.session;

                import java.util.List;
                import static io.fleetgate.execution.DriverStatus.EN_ROUTE;
                import io.fleetgate.access.*;

                /** See {@link io.fleetgate.supervisor.SupervisorService}. */
                final class X { // io.fleetgate.supervisor.ReviewPage
                    String s = "io.fleetgate.supervisor.DriverBoardRow";
                    char c = '"';
                    String t = \"""
                            io.fleetgate.Fleetgate
                            \""";
                    /* io.fleetgate.Fleetgate */ Object o = new io.fleetgate.execution.Batch.Builder();
                }
                """;

        SourceFile f = SourceFile.parse(Path.of("session/X.java"), source);

        assertThat(f.packageName()).isEqualTo("io.fleetgate.session");
        assertThat(f.uses()).containsExactly(new Use(3, "java.util.List"),
                new Use(4, "io.fleetgate.execution.DriverStatus.EN_ROUTE"), new Use(5, "io.fleetgate.access.*"),
                new Use(14, "io.fleetgate.execution.Batch.Builder"));
        assertThat(Layers.violations(f)).hasSize(2).allSatisfy(v -> assertThat(v).contains("session/X.java:"))
                .anySatisfy(v -> assertThat(v).contains(":4 ", "io.fleetgate.execution.DriverStatus.EN_ROUTE"))
                .anySatisfy(v -> assertThat(v).contains(":14 ", "io.fleetgate.execution.Batch.Builder"));
    }

    private static SourceFile file(String path, String packageName, String... imports) {
        List<Use> uses = new ArrayList<>();
        for (String i : imports) {
            uses.add(new Use(1, i));
        }
        return new SourceFile(Path.of(path), packageName, uses);
    }

    // --- reading -------------------------------------------------------------------------------

    /**
     * One name a file uses: an import (a type, a static member or {@code pkg.*}) or a fully
     * qualified name written in code.
     *
     * @param line its line, from 1
     * @param name the dotted name as written
     */
    record Use(int line, String name) {
        /** {@return the package part: the segments before the first one that starts with a capital} */
        String packageName() {
            String[] parts = name.split("\\.");
            StringBuilder out = new StringBuilder();
            for (String p : parts) {
                if (p.equals("*") || Character.isUpperCase(p.charAt(0))) {
                    break;
                }
                out.append(out.length() == 0 ? "" : ".").append(p);
            }
            return out.toString();
        }

        /** {@return the top-level type named, or {@code "*"} for a package import} */
        String typeName() {
            for (String p : name.split("\\.")) {
                if (p.equals("*") || Character.isUpperCase(p.charAt(0))) {
                    return p;
                }
            }
            return "*";
        }
    }

    /**
     * A main source file as the rules see it.
     *
     * @param file        its path
     * @param packageName its package
     * @param uses        its imports and the qualified names in its code, in order
     */
    record SourceFile(Path file, String packageName, List<Use> uses) {
        private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
        private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
        private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])io\\.fleetgate(?:\\.[a-z_][a-z0-9_]*)*(?:\\.[A-Z]\\w*)+");

        /** Every {@code .java} file under {@code root} but {@code module-info.java}, sorted by path. */
        static List<SourceFile> readAll(Path root) {
            assertThat(root).as("core's main sources (the test runs in core's directory)").isDirectory();
            try (Stream<Path> paths = Files.walk(root)) {
                List<SourceFile> out = new ArrayList<>();
                for (Path p : paths.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> !p.getFileName().toString().equals("module-info.java")).sorted().toList()) {
                    out.add(parse(root.relativize(p), Files.readString(p, StandardCharsets.UTF_8)));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static SourceFile parse(Path file, String source) {
            String code = withoutCommentsAndLiterals(source);
            Matcher pkg = PACKAGE.matcher(code);
            String packageName = pkg.find() ? pkg.group(1) : "";
            List<Use> uses = new ArrayList<>();
            String[] lines = code.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.strip().startsWith("package ")) {
                    continue;
                }
                Matcher imp = IMPORT.matcher(line);
                if (imp.find()) {
                    uses.add(new Use(i + 1, imp.group(1)));
                    continue;
                }
                Matcher q = QUALIFIED.matcher(line);
                while (q.find()) {
                    uses.add(new Use(i + 1, q.group()));
                }
            }
            return new SourceFile(file, packageName, uses);
        }

        /**
         * The source with every comment, string, text block and character literal blanked out
         * (newlines kept, so line numbers stay).
         */
        static String withoutCommentsAndLiterals(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (s.startsWith("//", i)) {
                    int end = s.indexOf('\n', i);
                    end = end < 0 ? s.length() : end;
                    blank(s, i, end, out);
                    i = end;
                } else if (s.startsWith("/*", i)) {
                    int end = s.indexOf("*/", i + 2);
                    end = end < 0 ? s.length() : end + 2;
                    blank(s, i, end, out);
                    i = end;
                } else if (s.startsWith("\"\"\"", i)) {
                    int end = closing(s, i + 3, "\"\"\"");
                    blank(s, i, end, out);
                    i = end;
                } else if (c == '"' || c == '\'') {
                    int end = closing(s, i + 1, String.valueOf(c));
                    blank(s, i, end, out);
                    i = end;
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }

        /** {@return the index just past the unescaped {@code quote} at or after {@code from}} */
        private static int closing(String s, int from, String quote) {
            int i = from;
            while (i < s.length()) {
                if (s.charAt(i) == '\\') {
                    i += 2;
                } else if (s.startsWith(quote, i)) {
                    return i + quote.length();
                } else {
                    i++;
                }
            }
            return s.length();
        }

        private static void blank(String s, int from, int to, StringBuilder out) {
            for (int i = from; i < to; i++) {
                out.append(s.charAt(i) == '\n' ? '\n' : ' ');
            }
        }
    }

    // --- the rules -----------------------------------------------------------------------------

    /** The rules of the class comment, as a pure function of one file. Stateless. */
    static final class Layers {
        private static final String ROOT = "io.fleetgate";
        /** Each rule package and the rule packages it may use (those below it). */
        private static final Map<String, Set<String>> BELOW = Map.of(
                "geo", Set.of(),
                "access", Set.of("geo"),
                "session", Set.of("geo", "access"),
                "position", Set.of("geo", "access", "session"),
                "execution", Set.of("geo", "access", "session", "position"),
                "supervisor", Set.of("geo", "access", "session", "position", "execution"),
                "exclusive", Set.of("geo"));
        /** What every rule package may use besides the rule packages below it. */
        private static final Set<String> SHARED = Set.of("error", "spi", "internal");
        /** Packages that never use a service. */
        private static final Set<String> NO_SERVICES = Set.of("spi", "error", "internal", "testing");

        private Layers() {
        }

        /**
         * @param f a source file
         * @return one line per use that breaks a rule, naming the file, line and import
         */
        static List<String> violations(SourceFile f) {
            List<String> out = new ArrayList<>();
            String own = sub(f.packageName());
            for (Use u : f.uses()) {
                String pkg = u.packageName();
                if (!pkg.equals(ROOT) && !pkg.startsWith(ROOT + ".")) {
                    continue; // the JDK, SLF4J
                }
                String target = sub(pkg);
                String where = f.file().toString().replace('\\', '/') + ":" + u.line() + " uses " + u.name() + ": ";
                boolean service = u.typeName().endsWith("Service");
                if ("testing".equals(target) && !"testing".equals(own)) {
                    out.add(where + "nothing in core's main code but io.fleetgate.testing itself may use it");
                }
                if (BELOW.containsKey(own) && !own.equals(target)) {
                    if (target.isEmpty()) {
                        if ("Fleetgate".equals(u.typeName())) {
                            out.add(where + "a rule package (" + f.packageName() + ") may not use the entry point");
                        }
                    } else if (!SHARED.contains(target) && !BELOW.get(own).contains(target) && !"testing".equals(target)) {
                        out.add(where + f.packageName() + " may use " + allowed(own)
                                + " (besides io.fleetgate's root types but Fleetgate, and error, spi, internal)");
                    }
                }
                if (NO_SERVICES.contains(own) && service) {
                    out.add(where + f.packageName() + " may not use a service");
                }
                if (own.isEmpty() && !f.file().getFileName().toString().equals("Fleetgate.java")
                        && service && BELOW.containsKey(target)) {
                    out.add(where + "only Fleetgate, of the root types, may use a rule package's service");
                }
            }
            return out;
        }

        /** {@return the segment after {@code io.fleetgate} ({@code ""} for the root package)} */
        private static String sub(String pkg) {
            if (pkg.equals(ROOT) || !pkg.startsWith(ROOT + ".")) {
                return "";
            }
            String rest = pkg.substring(ROOT.length() + 1);
            int dot = rest.indexOf('.');
            return dot < 0 ? rest : rest.substring(0, dot);
        }

        private static String allowed(String own) {
            return BELOW.get(own).isEmpty() ? "no other rule package"
                    : "only the rule packages below it, " + String.join(", ", BELOW.get(own).stream().sorted().toList());
        }
    }
}
