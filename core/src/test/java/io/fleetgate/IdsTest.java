package io.fleetgate;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IdsTest {

    private static void assertRefused(String field, String id) {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> Ids.require(field, id));

        assertThat(e).as("id %s", id == null ? "null" : "'" + id.replace("\u0000", "\\0") + "'").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsExactly(Map.entry("field", field));
        assertThat(e.getMessage()).startsWith(field + " ");
    }

    @Test
    void requireWhenNullThenInvalidRequestNamingField() {
        assertRefused("charger_id", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", "\u2003", "\u3000"})
    void requireWhenBlankThenInvalidRequestNamingField(String id) {
        assertRefused("driver_id", id);
    }

    @Test
    void requireWhenSixtyFiveCharactersThenInvalidRequestNamingField() {
        String id = "a".repeat(65);

        assertRefused("session_id", id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "abc\n", "\rabc", "a\tb", "x\u001b[31m", "a\u007fb", "a\u0085b", "a\u009fb"})
    void requireWhenControlCharacterThenInvalidRequestNamingField(String id) {
        assertRefused("fleet_id", id);
    }

    @Test
    void requireWhenExactlySixtyFourCharactersThenAcceptedUnchanged() {
        String id = "x".repeat(63) + "9";

        assertThat(id).hasSize(Ids.MAX_LENGTH);
        assertThat(Ids.require("charger_id", id)).isSameAs(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x'; DROP TABLE--", "' OR '1'='1", "a\"b;--", "%_\\", "../../etc/passwd",
            "<script>alert(1)</script>", "café-☕", " leading and trailing ", "a"})
    void requireWhenPrintableMetacharactersThenAcceptedVerbatim(String id) {
        assertThat(Ids.require("charger_id", id)).isSameAs(id).isEqualTo(id);
    }

    @Test
    void optionalWhenNullThenNull() {
        assertThat(Ids.optional("vehicle_id", null)).isNull();
    }

    @Test
    void optionalWhenValidThenReturnedUnchanged() {
        String id = "x'; DROP TABLE--";

        assertThat(Ids.optional("vehicle_id", id)).isSameAs(id);
    }

    @Test
    void optionalWhenInvalidThenInvalidRequestNamingField() {
        for (String bad : new String[] {"", " ", "b".repeat(65), "a\u0001"}) {
            FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> Ids.optional("vehicle_id", bad));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details()).containsEntry("field", "vehicle_id");
        }
    }
}
