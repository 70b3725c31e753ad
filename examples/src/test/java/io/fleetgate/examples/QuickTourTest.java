package io.fleetgate.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuickTourTest {

    @Test
    void tourWhenRunThenActivatesIsRefusedAndCompletes(@TempDir Path dir) {
        String out = QuickTour.run(dir.resolve("tour.db"), Map.of("EXCLUSIVE_DURATION_MIN", "30"));

        assertThat(out.lines()).containsExactly("ACTIVE 1800 s", "ACTIVE_SESSION_EXISTS true", "COMPLETED");
    }

    @Test
    void readmeWhenReadThenHoldsTheTourVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/fleetgate/examples/QuickTour.java"));
        String tour = source.substring(source.indexOf("// --- README tour: begin ---") + 30,
                source.indexOf("        // --- README tour: end ---"));
        String readme = Files.readString(Path.of("../README.md"));
        for (String line : tour.lines().filter(l -> !l.isBlank()).toList()) {
            assertThat(readme).as("README.md holds the QuickTour line").contains(line.substring(8));
        }
    }
}
