package io.fleetgate.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import io.fleetgate.internal.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventEncodingTest {

    private static final Instant RECORDED_AT = Instant.parse("2026-11-22T10:00:00.123456789Z");

    /**
     * The sample of {@code docs/event-encoding.md}, written by hand from the rules in
     * {@link EventEncoding}'s javadoc: keys sorted, also inside the payload; no whitespace; numbers
     * in plain decimal without exponent or trailing zeros; recorded_at in UTC with exactly six fraction digits (nanoseconds
     * beyond the microsecond dropped, not rounded); session_id absent.
     */
    private static final String SAMPLE_CANONICAL = "{"
            + "\"accuracy_m\":4.5,"
            + "\"batch_id\":\"batch-0042\","
            + "\"event_id\":\"3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f809a1b\","
            + "\"event_type\":\"SUPERVISOR_OVERRIDE\","
            + "\"lat\":30.2672,"
            + "\"lng\":-97.7431,"
            + "\"payload\":{\"metadata\":{\"odometer_km\":12345.6,\"vehicle\":\"van-7\"},"
            + "\"note\":\"gate \\\"B\\\"\\ncode 4711\",\"photos\":2},"
            + "\"reason\":\"driver's phone died at stop 3\","
            + "\"recorded_at\":\"2026-11-22T10:00:00.123456Z\","
            + "\"stop_index\":3,"
            + "\"target_status\":\"AT_STOP\""
            + "}";

    /** The SHA-256 of {@link #SAMPLE_CANONICAL}'s UTF-8 bytes, as given in {@code docs/event-encoding.md}. */
    private static final String SAMPLE_SHA256 = "db5390ecdaebe3a7b8f894e9b6b1f60395b804a21fcd8a8dfbc334c7b9a3ec6b";

    private static Map<String, Object> samplePayload() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("vehicle", "van-7");
        metadata.put("odometer_km", 12345.6);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("photos", 2);
        payload.put("note", "gate \"B\"\ncode 4711");
        payload.put("metadata", metadata);
        return payload;
    }

    private static DriverEventRequest sample() {
        return new DriverEventRequest("3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f809a1b", "batch-0042",
                DriverEventType.SUPERVISOR_OVERRIDE, RECORDED_AT, "session-1", 30.2672, -97.7431, 4.5, 3,
                samplePayload(), DriverStatus.AT_STOP, "driver's phone died at stop 3");
    }

    @Test
    void canonicalWhenFullyPopulatedThenExactDocumentedText() {
        assertThat(EventEncoding.canonical(sample())).isEqualTo(SAMPLE_CANONICAL);
    }

    @Test
    void sha256WhenSampleThenDocumentedHash() {
        assertThat(EventEncoding.sha256(EventEncoding.canonical(sample()))).isEqualTo(SAMPLE_SHA256);
    }

    @Test
    void sha256WhenKnownVectorsThenMatches() {
        assertThat(EventEncoding.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(EventEncoding.sha256(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void canonicalWhenSessionDiffersThenSameEncoding() {
        String expected = EventEncoding.canonical(sample());

        assertThat(EventEncoding.canonical(sample().session("session-2"))).isEqualTo(expected);
        assertThat(EventEncoding.canonical(sample().session(null))).isEqualTo(expected);
        assertThat(EventEncoding.canonical(sample().session("session-2"))).doesNotContain("session");
    }

    @Test
    void canonicalWhenPayloadKeyOrderDiffersThenSameEncoding() {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("odometer_km", 12345.6);
        metadata.put("vehicle", "van-7");
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("metadata", metadata);
        reordered.put("note", "gate \"B\"\ncode 4711");
        reordered.put("photos", 2);

        assertThat(EventEncoding.canonical(sample().payload(reordered))).isEqualTo(SAMPLE_CANONICAL);
    }

    @Test
    void canonicalWhenPayloadNormalisedAsServiceDoesThenSameEncoding() {
        @SuppressWarnings("unchecked")
        Map<String, Object> normalised = (Map<String, Object>) Json.normalise("payload", samplePayload());

        assertThat(EventEncoding.canonical(sample().payload(normalised))).isEqualTo(SAMPLE_CANONICAL);
    }

    @Test
    void canonicalWhenNumbersOfOtherTypesWithSameValueThenSameEncoding() {
        Map<String, Object> payload = samplePayload();
        payload.put("photos", new BigDecimal("2.00"));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) payload.get("metadata");
        metadata.put("odometer_km", new BigDecimal("12345.60"));

        assertThat(EventEncoding.canonical(sample().payload(payload))).isEqualTo(SAMPLE_CANONICAL);
        assertThat(EventEncoding.canonical(sample().at(30.2672, -97.7431, 4.50))).isEqualTo(SAMPLE_CANONICAL);
    }

    @Test
    void canonicalWhenNumbersEndInZeroOrAreVerySmallOrLargeThenPlainDecimal() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("ten", 10);
        payload.put("hundred", 100.0);
        payload.put("scaled", new BigDecimal("1.20E+3"));
        payload.put("big", 1e21);
        payload.put("tiny", 1e-7);
        payload.put("neg", new BigDecimal("-0.0010"));
        payload.put("zero", -0.0);
        payload.put("list", List.of(120L, 0.000001, new BigInteger("1000000")));
        DriverEventRequest e = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP,
                Instant.parse("2026-11-22T10:00:00Z")).at(1e-7, -120.0, 100.0).stop(10).payload(payload);

        String canonical = EventEncoding.canonical(e);

        assertThat(canonical).isEqualTo("{\"accuracy_m\":100,\"batch_id\":\"b-1\",\"event_id\":\"e-1\","
                + "\"event_type\":\"ARRIVED_AT_STOP\",\"lat\":0.0000001,\"lng\":-120,\"payload\":{"
                + "\"big\":1000000000000000000000,\"hundred\":100,\"list\":[120,0.000001,1000000],\"neg\":-0.001,"
                + "\"scaled\":1200,\"ten\":10,\"tiny\":0.0000001,\"zero\":0},"
                + "\"recorded_at\":\"2026-11-22T10:00:00.000000Z\",\"stop_index\":10}");
        assertThat(Pattern.compile("[0-9][eE]").matcher(canonical).find()).as("no exponent anywhere").isFalse();
        // everything written reads back to the same encoding
        assertThat(Json.write(Json.parse(canonical))).isEqualTo(canonical);
    }

    @Test
    void canonicalWhenTheEventNamesAStopByIdThenStopIdIsAFieldAndWithoutItTheEncodingIsAsBefore() {
        DriverEventRequest byIndex = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP,
                Instant.parse("2026-11-22T10:00:00Z")).stop(2);
        DriverEventRequest byId = byIndex.stop("maple-12");

        assertThat(EventEncoding.canonical(byIndex)).isEqualTo("{\"batch_id\":\"b-1\",\"event_id\":\"e-1\","
                + "\"event_type\":\"ARRIVED_AT_STOP\",\"recorded_at\":\"2026-11-22T10:00:00.000000Z\",\"stop_index\":2}");
        assertThat(EventEncoding.canonical(byId)).isEqualTo("{\"batch_id\":\"b-1\",\"event_id\":\"e-1\","
                + "\"event_type\":\"ARRIVED_AT_STOP\",\"recorded_at\":\"2026-11-22T10:00:00.000000Z\","
                + "\"stop_id\":\"maple-12\",\"stop_index\":2}");
        assertThat(EventEncoding.sha256(EventEncoding.canonical(byId)))
                .isNotEqualTo(EventEncoding.sha256(EventEncoding.canonical(byIndex)));
    }

    @Test
    void canonicalWhenPayloadNumberHasFortyCharactersThenWrittenElseRefused() {
        String forty = "-0." + "0".repeat(35) + "12";
        String fortyOne = "-0." + "0".repeat(36) + "12";

        String canonical = EventEncoding.canonical(sample().payload(Map.of("n", new BigDecimal(forty))));

        assertThat(forty).hasSize(40);
        assertThat(canonical).contains("\"payload\":{\"n\":" + forty + "}");
        assertThat(Json.write(Json.parse(canonical))).isEqualTo(canonical);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventEncoding.canonical(sample().payload(Map.of("n", new BigDecimal(fortyOne)))));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventEncoding.canonical(sample().payload(Map.of("n", new BigDecimal("1e500")))));
    }

    @Test
    void canonicalWhenSixteenArraysOrObjectsNestThenWrittenElseRefused() {
        // the event object and the payload object count: 2 + 14 lists = 16
        Map<String, Object> fits = Map.of("a", nestedLists(Json.MAX_DEPTH - 2));
        Map<String, Object> tooDeep = Map.of("a", nestedLists(Json.MAX_DEPTH));

        assertThat(EventEncoding.canonical(sample().payload(fits)))
                .contains("\"payload\":{\"a\":" + "[".repeat(14) + "]".repeat(14) + "}");
        assertThatIllegalArgumentException().isThrownBy(() -> EventEncoding.canonical(sample().payload(tooDeep)));
    }

    @Test
    void canonicalWhenContentDiffersThenDifferentEncoding() {
        String base = EventEncoding.canonical(sample());

        assertThat(EventEncoding.canonical(sample().stop(4))).isNotEqualTo(base);
        assertThat(EventEncoding.canonical(sample().at(30.2673, -97.7431, 4.5))).isNotEqualTo(base);
        assertThat(EventEncoding.canonical(sample().payload(Map.of("photos", 2)))).isNotEqualTo(base);
        assertThat(EventEncoding.canonical(sample().override(DriverStatus.EN_ROUTE, "driver's phone died at stop 3")))
                .isNotEqualTo(base);
        assertThat(EventEncoding.canonical(new DriverEventRequest(sample().eventId(), sample().batchId(),
                sample().type(), RECORDED_AT.plusNanos(1_000), null, 30.2672, -97.7431, 4.5, 3, samplePayload(),
                DriverStatus.AT_STOP, "driver's phone died at stop 3"))).isNotEqualTo(base);
    }

    @Test
    void canonicalWhenRecordedAtDiffersOnlyBelowMicrosecondThenSameEncoding() {
        DriverEventRequest truncated = new DriverEventRequest(sample().eventId(), sample().batchId(), sample().type(),
                Instant.parse("2026-11-22T10:00:00.123456Z"), null, 30.2672, -97.7431, 4.5, 3, samplePayload(),
                DriverStatus.AT_STOP, "driver's phone died at stop 3");

        assertThat(EventEncoding.canonical(truncated)).isEqualTo(SAMPLE_CANONICAL);
    }

    @Test
    void canonicalWhenOptionalFieldsNullThenOmitted() {
        DriverEventRequest minimal = DriverEventRequest.of("e-1", "b-1", DriverEventType.ROUTE_STARTED,
                Instant.parse("2026-11-22T10:00:00Z"));

        assertThat(EventEncoding.canonical(minimal)).isEqualTo("{\"batch_id\":\"b-1\",\"event_id\":\"e-1\","
                + "\"event_type\":\"ROUTE_STARTED\",\"recorded_at\":\"2026-11-22T10:00:00.000000Z\"}");
        assertThat(EventEncoding.canonical(minimal.session("s-1"))).doesNotContain("null");
    }

    @Test
    void canonicalWhenPayloadEmptyThenKeptAsEmptyObject() {
        DriverEventRequest e = DriverEventRequest.of("e-1", "b-1", DriverEventType.PROOF_CAPTURED,
                Instant.parse("2026-11-22T10:00:00Z")).payload(Map.of());

        assertThat(EventEncoding.canonical(e)).isEqualTo("{\"batch_id\":\"b-1\",\"event_id\":\"e-1\","
                + "\"event_type\":\"PROOF_CAPTURED\",\"payload\":{},\"recorded_at\":\"2026-11-22T10:00:00.000000Z\"}");
    }

    static Stream<Arguments> timestamps() {
        return Stream.of(
                Arguments.of("2026-11-22T10:00:00Z", "2026-11-22T10:00:00.000000Z"),
                Arguments.of("2026-11-22T10:00:00.1Z", "2026-11-22T10:00:00.100000Z"),
                Arguments.of("2026-11-22T10:00:00.123Z", "2026-11-22T10:00:00.123000Z"),
                Arguments.of("2026-11-22T10:00:00.123456Z", "2026-11-22T10:00:00.123456Z"),
                Arguments.of("2026-11-22T10:00:00.123456789Z", "2026-11-22T10:00:00.123456Z"),
                Arguments.of("2026-11-22T10:00:00.999999999Z", "2026-11-22T10:00:00.999999Z"),
                Arguments.of("2026-11-22T10:00:00.000000999Z", "2026-11-22T10:00:00.000000Z"),
                Arguments.of("2026-11-22T10:00:00+05:00", "2026-11-22T05:00:00.000000Z"),
                Arguments.of("2000-01-01T00:00:00Z", "2000-01-01T00:00:00.000000Z"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("timestamps")
    void timestampWhenInstantThenUtcWithExactlySixFractionDigits(String input, String expected) {
        Instant instant = java.time.OffsetDateTime.parse(input).toInstant();

        assertThat(EventEncoding.timestamp(instant)).isEqualTo(expected);
        assertThat(EventEncoding.canonical(DriverEventRequest.of("e", "b", DriverEventType.ROUTE_STARTED, instant)))
                .contains("\"recorded_at\":\"" + expected + "\"");
    }

    @Test
    void canonicalWhenNumberNotFiniteThenRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> EventEncoding.canonical(sample().at(Double.NaN, 1.0, null)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventEncoding.canonical(sample().at(1.0, Double.POSITIVE_INFINITY, null)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventEncoding.canonical(sample().at(1.0, 1.0, Double.NEGATIVE_INFINITY)));
    }

    @Test
    void canonicalWhenPayloadHoldsUnsupportedObjectThenRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EventEncoding.canonical(sample().payload(Map.of("o", new Object()))));
    }

    @Test
    void lenientWhenEventValidThenCanonicalFieldsPlusSessionAndSignature() {
        Map<String, Object> canonical = Json.parseObject(SAMPLE_CANONICAL);

        Map<String, Object> lenient = Json.parseObject(EventEncoding.lenient(sample().signed("c2lnbmF0dXJl")));

        assertThat(lenient).containsEntry("session_id", "session-1").containsEntry("signature", "c2lnbmF0dXJl");
        assertThat(Instant.parse((String) lenient.get("recorded_at"))).as("the instant as received")
                .isEqualTo(RECORDED_AT);
        Map<String, Object> rest = new HashMap<>(lenient);
        rest.keySet().removeAll(List.of("session_id", "signature", "recorded_at"));
        Map<String, Object> expected = new HashMap<>(canonical);
        expected.remove("recorded_at");
        assertThat(rest).isEqualTo(expected);
    }

    @Test
    void lenientWhenPayloadValidThenWrittenAsInCanonical() {
        Map<String, Object> payload = samplePayload();
        payload.put("photos", new BigDecimal("2.00"));
        payload.put("hundred", 100.0);
        payload.put("tiny", 1e-7);

        DriverEventRequest e = sample().payload(payload);

        assertThat(Json.parseObject(EventEncoding.lenient(e)).get("payload"))
                .isEqualTo(Json.parseObject(EventEncoding.canonical(e)).get("payload"));
        assertThat(EventEncoding.lenient(e)).contains("\"hundred\":100,").contains("\"tiny\":0.0000001}");
    }

    static Stream<Arguments> unencodableEvents() {
        DriverEventRequest base = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT);
        Object deep = 1;
        for (int i = 0; i < Json.MAX_DEPTH + 2; i++) {
            deep = List.of(deep);
        }
        Map<String, Object> tooDeep = Map.of("a", deep);
        Map<Object, Object> nonStringKey = new HashMap<>();
        nonStringKey.put(7, "seven");
        nonStringKey.put(null, "none");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> badKeys = (Map) nonStringKey;
        return Stream.of(
                Arguments.of("payload number of 41 characters", base.payload(Map.of("n", new BigDecimal("1".repeat(41))))),
                Arguments.of("payload number 1e500", base.payload(Map.of("n", new BigDecimal("1e500")))),
                Arguments.of("payload number 1e999999", base.payload(Map.of("n", List.of(new BigDecimal("1e999999"))))),
                Arguments.of("payload of 17 nested", base.payload(Map.of("a", nestedLists(Json.MAX_DEPTH)))),
                Arguments.of("NaN lat", base.at(Double.NaN, 1.0, null)),
                Arguments.of("infinite lat", base.at(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN)),
                Arguments.of("Instant.MAX", DriverEventRequest.of("e-1", "b-1", DriverEventType.ROUTE_STARTED, Instant.MAX)),
                Arguments.of("Instant.MIN", DriverEventRequest.of("e-1", "b-1", DriverEventType.ROUTE_STARTED, Instant.MIN)),
                Arguments.of("unsupported payload object", base.payload(Map.of("at", new Object(), "n", 1))),
                Arguments.of("payload too deep", base.payload(tooDeep)),
                Arguments.of("payload with non-string keys", base.payload(badKeys)),
                Arguments.of("everything null", new DriverEventRequest(null, null, null, null, null, null, null, null,
                        null, null, null, null)),
                Arguments.of("all at once", new DriverEventRequest("e\u0000\"", "b-1", DriverEventType.SUPERVISOR_OVERRIDE,
                        Instant.MAX, "s", Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1,
                        Map.of("o", new Object()), DriverStatus.COMPLETED, "\uD83D\uDE9A")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unencodableEvents")
    void lenientWhenEventCannotBeEncodedThenNeverThrowsAndGivesParseableJson(String why, DriverEventRequest e) {
        assertThatNoException().isThrownBy(() -> EventEncoding.lenient(e));

        String text = EventEncoding.lenient(e);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(text);

        if (e.eventId() != null) {
            assertThat(parsed).containsEntry("event_id", e.eventId());
        }
        if (e.sessionId() != null) {
            assertThat(parsed).containsEntry("session_id", e.sessionId());
        }
        if (e.payload() != null) {
            assertThat(parsed).containsKey("payload");
        }
        assertThat(EventEncoding.sha256(text)).hasSize(64);
    }

    @Test
    void lenientWhenNumberNotFiniteThenWrittenAsString() {
        DriverEventRequest e = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT)
                .at(Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

        Map<String, Object> parsed = Json.parseObject(EventEncoding.lenient(e));

        assertThat(parsed).containsEntry("lat", "NaN").containsEntry("lng", "-Infinity")
                .containsEntry("accuracy_m", "Infinity");
    }

    @Test
    void lenientWhenRecordedAtOutOfFormatterRangeThenKeptAsString() {
        Map<String, Object> parsed = Json.parseObject(EventEncoding.lenient(
                DriverEventRequest.of("e-1", "b-1", DriverEventType.ROUTE_STARTED, Instant.MAX)));

        assertThat(parsed.get("recorded_at")).isEqualTo(Instant.MAX.toString());
    }

    @Test
    void lenientWhenPayloadNotStorableThenNoteSaysWhy() {
        DriverEventRequest base = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT);

        assertThat(lenientPayload(base.payload(Map.of("n", new BigDecimal("1e500")))))
                .isEqualTo("<payload not storable: payload holds a number longer than " + Json.MAX_NUMBER_LENGTH
                        + " digits>");
        assertThat(lenientPayload(base.payload(Map.of("at", Instant.EPOCH))))
                .isEqualTo("<payload not storable: payload holds a value of unsupported type Instant>");
        assertThat(lenientPayload(base.payload(Map.of("a", nestedLists(Json.MAX_DEPTH)))))
                .isEqualTo("<payload not storable: payload is nested deeper than " + Json.MAX_DEPTH + " levels>");
    }

    @Test
    void lenientWhenPayloadObjectToStringThrowsThenNeverCalledAndParseableJson() {
        AtomicBoolean called = new AtomicBoolean();
        Object hostile = new Object() {
            @Override
            public String toString() {
                called.set(true);
                throw new IllegalStateException("toString must not be called");
            }
        };
        Map<String, Object> payload = new HashMap<>();
        payload.put("o", hostile);
        payload.put("n", 1);
        DriverEventRequest e = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT)
                .payload(payload);

        Object note = lenientPayload(e);

        assertThat(note).asString().startsWith("<payload not storable: ").endsWith(">")
                .doesNotContain("toString must not be called");
        assertThatIllegalArgumentException().isThrownBy(() -> EventEncoding.canonical(e));
        assertThat(called).as("toString of a payload value").isFalse();
    }

    @Test
    void lenientWhenPayloadKeyToStringThrowsThenNeverCalledAndParseableJson() {
        AtomicBoolean called = new AtomicBoolean();
        Object hostileKey = new Object() {
            @Override
            public String toString() {
                called.set(true);
                throw new IllegalStateException("toString must not be called");
            }
        };
        Map<Object, Object> raw = new HashMap<>();
        raw.put(hostileKey, 1);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> payload = (Map) raw;

        Object note = lenientPayload(DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT)
                .payload(payload));

        assertThat(note).isEqualTo("<payload not storable: payload has a key that is not a string>");
        assertThat(called).as("toString of a payload key").isFalse();
    }

    @Test
    void lenientWhenPayloadIsCyclicThenStoppedByDepthLimitAndParseableJson() {
        Map<String, Object> payload = new HashMap<>();
        List<Object> list = new ArrayList<>();
        payload.put("list", list);
        list.add(payload);
        List<Object> self = new ArrayList<>();
        self.add(self);
        DriverEventRequest base = DriverEventRequest.of("e-1", "b-1", DriverEventType.ARRIVED_AT_STOP, RECORDED_AT);

        assertTimeout(Duration.ofSeconds(5), () -> {
            assertThat(lenientPayload(base.payload(payload)))
                    .isEqualTo("<payload not storable: payload is nested deeper than " + Json.MAX_DEPTH + " levels>");
            assertThat(lenientPayload(base.payload(Map.of("self", self))))
                    .isEqualTo("<payload not storable: payload is nested deeper than " + Json.MAX_DEPTH + " levels>");
        });
        assertThatIllegalArgumentException().isThrownBy(() -> EventEncoding.canonical(base.payload(payload)));
    }

    /** The payload of {@code e}'s lenient encoding, after checking that encoding is parseable JSON. */
    private static Object lenientPayload(DriverEventRequest e) {
        String text = EventEncoding.lenient(e);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(text);
        assertThat(parsed).containsEntry("event_id", e.eventId());
        assertThat(EventEncoding.sha256(text)).hasSize(64);
        return parsed.get("payload");
    }

    /** {@code depth} nested lists, the innermost empty. */
    private static Object nestedLists(int depth) {
        Object v = List.of();
        for (int i = 1; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }
}
