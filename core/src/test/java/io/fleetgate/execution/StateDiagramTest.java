package io.fleetgate.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class StateDiagramTest {

    /** The command that rewrites {@code docs/state-machine.md}; said in the file and in failures. */
    static final String REGENERATE =
            "mvn -pl core test -Dtest=StateDiagramTest -Dfleetgate.writeDiagram=true";

    private static final String DIAGRAM = StateDiagram.mermaid(DriverStateMachine.standard());

    /** The whole of {@code docs/state-machine.md}, as the table generates it. */
    static String document() {
        return "# Driver state machine\n"
                + "\n"
                + "Which driver event is allowed from which status, as `DriverStateMachine` (in\n"
                + "`core/src/main/java/io/fleetgate/execution/`) decides it. This file is generated from\n"
                + "`DriverStateMachine`'s table by `StateDiagram`; do not edit it by hand. Regenerate it with\n"
                + "`" + REGENERATE + "`;\n"
                + "`StateDiagramTest` fails while this file differs from what the table generates.\n"
                + "\n"
                + "```mermaid\n"
                + DIAGRAM
                + "```\n";
    }

    @Test
    void committedDiagramWhenComparedThenMatchesTheTable() throws IOException {
        Path file = repositoryRoot().resolve("docs").resolve("state-machine.md");
        String expected = document();
        if (Boolean.getBoolean("fleetgate.writeDiagram")) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail(file + " is missing; generate it with: " + REGENERATE);
        }
        String committed = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertThat(committed)
                .as("%s differs from what DriverStateMachine's table generates; regenerate it with: %s",
                        file, REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void mermaidWhenStandardTableThenStartsAtInactiveWithOneEdgePerMove() {
        assertThat(DIAGRAM).startsWith("stateDiagram-v2\n    [*] --> INACTIVE\n");
        assertThat(DIAGRAM.lines()).contains(
                "    INACTIVE --> ACTIVE : DRIVER_LOGGED_IN",
                "    INACTIVE --> EN_ROUTE : ROUTE_STARTED",
                "    ACTIVE --> EN_ROUTE : ROUTE_STARTED",
                "    EN_ROUTE --> AT_STOP : ARRIVED_AT_STOP",
                "    AT_STOP --> EN_ROUTE : DEPARTED_STOP",
                "    DELAYED --> EN_ROUTE : ROUTE_RESUMED",
                "    DELAYED --> COMPLETED : ROUTE_COMPLETED",
                "    DELAYED --> INACTIVE : ROUTE_CANCELLED",
                "    COMPLETED --> SUSPENDED : SUPERVISOR_OVERRIDE");
        // 16 moves to a fixed status, 6 override edges into SUSPENDED, none out of it
        assertThat(DIAGRAM.lines().filter(l -> l.contains(" --> ") && !l.contains("[*]"))).hasSize(22);
        assertThat(DIAGRAM.lines().filter(l -> l.startsWith("    SUSPENDED -->"))).isEmpty();
        assertThat(DIAGRAM.lines().filter(l -> l.contains("COMPLETED --> INACTIVE"))).isEmpty();
        assertThat(DIAGRAM).contains("PROOF_CAPTURED changes nothing and is accepted everywhere except SUSPENDED.");
        assertThat(DIAGRAM).contains("SUPERVISOR_OVERRIDE may move a batch from any status to any status.");
    }

    @Test
    void mermaidWhenCalledTwiceThenSameText() {
        assertThat(StateDiagram.mermaid(DriverStateMachine.standard())).isEqualTo(DIAGRAM);
    }

    /**
     * Walks up from {@code user.dir} (the module directory when Maven runs the tests) to the
     * directory holding {@code docs/} and the parent {@code pom.xml} that lists {@code core}.
     */
    static Path repositoryRoot() throws IOException {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isDirectory(dir.resolve("docs")) && Files.isRegularFile(pom)
                    && Files.readString(pom, StandardCharsets.UTF_8).contains("<module>core</module>")) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no directory with docs/ and a pom.xml listing <module>core</module> above " + start);
    }
}
