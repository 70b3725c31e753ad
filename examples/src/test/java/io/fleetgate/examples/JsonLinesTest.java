package io.fleetgate.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        JsonLines.setOutput(new PrintStream(captured, true, StandardCharsets.UTF_8));
        JsonLines.setLevel(Level.INFO);
    }

    @AfterEach
    void restore() {
        JsonLines.setOutput(null);
        JsonLines.setLevel(Level.INFO);
    }

    @Test
    void loggerFactoryWhenAskedThenOursIsTheOnlyProvider() {
        assertThat(LoggerFactory.getLogger("io.fleetgate.test")).isInstanceOf(JsonLinesLogger.class);
    }

    @Test
    void fluentCallWhenKeyValuesAddedThenOneJsonLineWithThoseFields() throws Exception {
        Logger log = LoggerFactory.getLogger("io.fleetgate.exclusive.Test");
        Instant expires = Instant.parse("2026-11-22T11:00:00Z");

        log.atInfo().setMessage("exclusive_activated")
                .addKeyValue("driver_id", "ana")
                .addKeyValue("distance_m", 111.2)
                .addKeyValue("attempts", 3)
                .addKeyValue("accuracy_m", (Object) null)
                .addKeyValue("expires_at", expires)
                .addKeyValue("status", Thread.State.NEW)
                .log();

        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode json = MAPPER.readTree(lines.get(0));
        assertThat(Instant.parse(json.get("ts").asText())).isNotNull();
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("logger").asText()).isEqualTo("io.fleetgate.exclusive.Test");
        assertThat(json.get("event").asText()).isEqualTo("exclusive_activated");
        assertThat(json.get("driver_id").asText()).isEqualTo("ana");
        assertThat(json.get("distance_m").isNumber()).isTrue();
        assertThat(json.get("distance_m").asDouble()).isEqualTo(111.2);
        assertThat(json.get("attempts").isIntegralNumber()).isTrue();
        assertThat(json.get("attempts").asInt()).isEqualTo(3);
        assertThat(json.get("accuracy_m").isNull()).isTrue();
        assertThat(json.get("expires_at").asText()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(json.get("status").asText()).isEqualTo("NEW");
    }

    @Test
    void classicCallWhenArgumentsGivenThenMessageIsFormattedAndErrorIncluded() throws Exception {
        LoggerFactory.getLogger("io.fleetgate.Test").warn("store down after {} tries", 3,
                new IllegalStateException("boom"));

        JsonNode json = MAPPER.readTree(lines().get(0));
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("event").asText()).isEqualTo("store down after 3 tries");
        assertThat(json.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
    }

    @Test
    void otherLibrariesWhenInfoThenDroppedButWarnPrinted() {
        Logger hikari = LoggerFactory.getLogger("com.zaxxer.hikari.HikariDataSource");

        hikari.info("pool starting");
        hikari.atInfo().setMessage("pool started").log();
        hikari.warn("pool is slow");

        assertThat(lines()).hasSize(1).first().asString().contains("\"event\":\"pool is slow\"");
    }

    @Test
    void setLevelWhenWarnThenFleetgateInfoIsDropped() {
        JsonLines.setLevel(Level.WARN);
        Logger log = LoggerFactory.getLogger("io.fleetgate.exclusive.Test");

        log.atInfo().setMessage("exclusive_activated").addKeyValue("driver_id", "ana").log();
        log.info("exclusive_completed");

        assertThat(lines()).isEmpty();
    }

    @Test
    void setLevelWhenDebugThenFleetgateDebugPrintedButOthersStillAtWarn() {
        JsonLines.setLevel(Level.DEBUG);

        LoggerFactory.getLogger("io.fleetgate.Test").debug("fleetgate detail");
        LoggerFactory.getLogger("org.jdbi.v3.core.Jdbi").info("jdbi detail");

        assertThat(lines()).hasSize(1).first().asString().contains("fleetgate detail");
    }

    @Test
    void fluentCallWhenValuesHoldLineBreaksControlsAndNonCharactersThenOneLineOfPlainTextThatParsesBack()
            throws Exception {
        String hostile = "ev\r\n{\"level\":\"ERROR\"}\u0000\u007f\u0085\u009b\u2028\u2029\ufdd0\ufffe\uffff\\end";
        Logger log = LoggerFactory.getLogger("io.fleetgate.execution.Test");

        log.atInfo().setMessage("driver_event_rejected").addKeyValue("event_id", hostile)
                .addKeyValue(hostile, "as a key").log();
        log.info("classic {}", hostile);

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(line.chars()).as(line).allSatisfy(c -> assertThat(c).isBetween(0x20, 0x7e));
        }
        JsonNode json = MAPPER.readTree(lines.get(0));
        assertThat(json.get("event_id").asText()).isEqualTo(hostile);
        assertThat(json.get(hostile).asText()).isEqualTo("as a key");
        assertThat(MAPPER.readTree(lines.get(1)).get("event").asText()).isEqualTo("classic " + hostile);
    }

    private List<String> lines() {
        String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }
}
