package io.fleetgate.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void runWhenNoCommandThenUsageAndExit2() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).startsWith("usage: ").contains("demo");
    }

    @Test
    void runWhenUnknownCommandThenUsageAndExit2() {
        assertThat(run("nope")).isEqualTo(2);
        assertThat(err()).startsWith("usage: ");
    }

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
