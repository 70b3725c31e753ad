package io.fleetgate;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.Cursor;
import io.fleetgate.internal.Json;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.testing.InMemoryStore;
import io.fleetgate.testkit.RandomInputs;
import io.fleetgate.testkit.TestClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Seeded property tests of every place core parses host- or device-supplied text: ids, usernames,
 * settings from the environment, JSON, pagination cursors and whole driver events. Random strings
 * (unicode, control characters, SQL metacharacters, blanks, over-long values) are either accepted
 * by the documented rule or refused the documented way, never with another exception type. The
 * failure message names the seed and the case.
 */
class InputPropertyTest {
    private static final int CASES = 3_000;

    static LongStream seeds() {
        return LongStream.of(1L, 20261122L, 0xF1EE7L);
    }

    /**
     * The rule {@link Ids} documents: 1 to 64 characters, not blank, no control characters, no
     * unpaired surrogates (re-encoding through UTF-8 is lossless exactly when there are none).
     */
    private static boolean validId(String s) {
        return s != null && !s.isBlank() && s.length() <= Ids.MAX_LENGTH && s.chars().noneMatch(Character::isISOControl)
                && new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8)
                        .equals(s);
    }

    private static FleetgateException invalid(String c, Throwable thrown) {
        assertThat(thrown).as(c).isInstanceOf(FleetgateException.class);
        FleetgateException e = (FleetgateException) thrown;
        assertThat(e.code()).as(c + ": " + e.getMessage()).isEqualTo(ErrorCode.INVALID_REQUEST);
        return e;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void idsWhenRandomStringsThenDocumentedRuleElseInvalidRequestNamingField(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            String id = RandomInputs.string(r);
            String c = "seed " + seed + " case " + i + ": " + RandomInputs.show(id);
            Throwable required = catchThrowable(() -> assertThat(Ids.require("some_id", id)).isSameAs(id));
            Throwable optional = catchThrowable(() -> Ids.optional("some_id", id));
            if (validId(id)) {
                assertThat(required).as(c).isNull();
                assertThat(optional).as(c).isNull();
            } else {
                assertThat(invalid(c, required).details()).as(c).containsEntry("field", "some_id");
                if (id == null) {
                    assertThat(optional).as(c).isNull();
                } else {
                    invalid(c, optional);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void enrolWhenRandomUsernamesThenDocumentedRuleElseInvalidRequest(long seed) {
        Random r = new Random(seed);
        CredentialService credentials = TestFleetgates.on(new InMemoryStore(), TestClock.standard(), FleetgateSettings.defaults(), PinHasher.forTestsOnlyWeak()).credentials();
        for (int i = 0; i < CASES / 3; i++) {
            String username = RandomInputs.string(r);
            String c = "seed " + seed + " case " + i + ": " + RandomInputs.show(username);
            String userId = "u_" + i;
            Throwable thrown = catchThrowable(() -> credentials.enrol(Principal.system(),
                    new EnrolRequest(userId,
                            username, "482193")));
            // the rule is the id rule applied to the key (trimmed, lower-cased)
            boolean valid = username != null && validId(username.strip().toLowerCase(Locale.ROOT));
            if (valid) {
                // accepted, or refused as taken when an earlier case had the same key
                if (thrown != null) {
                    assertThat(invalid(c, thrown).getMessage()).as(c).isEqualTo("username is already enrolled");
                }
            } else {
                assertThat(invalid(c, thrown).details()).as(c).containsEntry("field", "username");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void settingsFromEnvWhenRandomValuesThenBuiltOrIllegalArgumentNamingTheSetting(long seed) {
        Random r = new Random(seed);
        String[] names = {
                FleetgateSettings.CHARGER_RADIUS_M, FleetgateSettings.EXCLUSIVE_DURATION_MIN,
                FleetgateSettings.MAX_ACCURACY_M, FleetgateSettings.EVENT_FUTURE_TOLERANCE_S,
                FleetgateSettings.MAX_SPEED_KMH, FleetgateSettings.SESSION_IDLE_TIMEOUT_MIN,
                FleetgateSettings.SESSION_MAX_AGE_H, FleetgateSettings.LOGIN_MAX_ATTEMPTS,
                FleetgateSettings.LOGIN_LOCKOUT_MIN, FleetgateSettings.PIN_HASH_ITERATIONS,
                FleetgateSettings.PIN_PEPPER, FleetgateSettings.SIGNING_SECRET};
        String[] numbers = {"0", "-0", "1", "-1", "15", "150.5", "1e3", "1e309", "-1e309", "NaN", "Infinity",
                "0x1p4", " 42 ", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "2147483648", "١٢٣", "4.9e-324", "", "  ", "1_000", "12abc",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "c2hvcnQ=", "!!notbase64!!"};
        int built = 0;
        for (int i = 0; i < CASES; i++) {
            Map<String, String> env = new HashMap<>();
            int settings = 1 + r.nextInt(3);
            for (int k = 0; k < settings; k++) {
                String value = r.nextBoolean() ? numbers[r.nextInt(numbers.length)]
                        : r.nextBoolean() ? Long.toString(r.nextLong() % 100_000) : RandomInputs.string(r);
                if (value != null) {
                    env.put(names[r.nextInt(names.length)], value);
                }
            }
            String c = "seed " + seed + " case " + i + ": " + env.keySet() + " = "
                    + env.values().stream().map(RandomInputs::show).toList();
            Throwable thrown = catchThrowable(() -> FleetgateSettings.fromEnv(env));
            if (thrown == null) {
                built++;
                continue;
            }
            assertThat(thrown).as(c).isInstanceOf(IllegalArgumentException.class);
            assertThat(env.keySet()).as(c + ": " + thrown.getMessage())
                    .anyMatch(name -> thrown.getMessage().startsWith(name + " "));
        }
        assertThat(built).as("seed %d builds some", seed).isPositive();
    }

    /** A few JSON documents, mangled by random edits; some stay valid. */
    private static String jsonText(Random r) {
        String[] docs = {"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\\u00e9\\n\"}}", "[1.5,-0.001,1e3,\"\"]",
                "{\"metadata\":{\"k\":\"v\"},\"n\":123456789012345678901234567890}", "\"str\"", "0", "[]", "{}"};
        if (r.nextInt(20) == 0) {
            int depth = r.nextInt(30_000);
            return "[".repeat(depth) + "]".repeat(r.nextInt(depth + 1));
        }
        StringBuilder s = new StringBuilder(docs[r.nextInt(docs.length)]);
        String alphabet = "{}[]\",:0123456789.eE+-truefalsn\\u/ \t\n\u0000\u001f\u00e9\uD83D\uDE9A\uD800";
        int edits = r.nextInt(4);
        for (int k = 0; k < edits && s.length() > 0; k++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                default -> s.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
        }
        return r.nextInt(10) == 0 ? RandomInputs.string(r) : s.toString();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void jsonParseWhenRandomTextThenCanonicalValueOrIllegalArgument(long seed) {
        Random r = new Random(seed);
        int parsed = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            String text = jsonText(r);
            String c = "seed " + seed + " case " + i + ": " + RandomInputs.show(text);
            String input = text == null ? "" : text;
            Throwable thrown = catchThrowable(() -> Json.parse(input));
            if (thrown != null) {
                assertThat(thrown).as(c).isInstanceOf(IllegalArgumentException.class);
                refused++;
                continue;
            }
            parsed++;
            Object value = Json.parse(input);
            String canonical = Json.write(value);
            assertThat(Json.write(Json.parse(canonical))).as(c).isEqualTo(canonical);
            Throwable normalised = catchThrowable(() -> Json.normalise("payload", value));
            if (normalised != null) {
                invalid(c, normalised);
            }
        }
        assertThat(parsed).as("seed %d parses some", seed).isPositive();
        assertThat(refused).as("seed %d refuses some", seed).isPositive();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void cursorDecodeWhenRandomTextThenOwnCursorsRoundTripAndTheRestInvalidRequest(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            String id = RandomInputs.string(r);
            Instant at = Instant.EPOCH.plus(r.nextLong() % 6_000_000_000_000_000L, ChronoUnit.MICROS); // ±190 years
            String c = "seed " + seed + " case " + i + ": " + RandomInputs.show(id) + " " + at;
            if (validId(id)) {
                assertThat(Cursor.decode(new Cursor(at, id).encode())).as(c).isEqualTo(new Cursor(at, id));
            }
            String text = r.nextBoolean() ? RandomInputs.string(r)
                    : java.util.Base64.getUrlEncoder().encodeToString(
                            (r.nextInt(100) + ":" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Throwable thrown = catchThrowable(() -> Cursor.decode(text));
            if (thrown != null) {
                assertThat(invalid(c + " text " + RandomInputs.show(text), thrown).details()).containsEntry("field", "after");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void syncWhenRandomFieldsThenEveryEventGetsAnOutcomeAndRefusalsAreQuarantined(long seed) {
        Random r = new Random(seed);
        TestClock clock = TestClock.standard();
        InMemoryStore store = new InMemoryStore();
        store.workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        DriverExecutionService service = TestFleetgates.on(store, clock, FleetgateSettings.defaults()).execution();
        service.createBatch(Principal.system(), new CreateBatchRequest("b_1", "ws_1", "d_ana",
                List.of(Stop.of(30.27, -97.74, 100)), Map.of()));
        Principal ana = Principal.driver("d_ana");
        DriverEventType[] types = DriverEventType.values();
        int refused = 0;
        for (int call = 0; call < 40; call++) {
            List<DriverEventRequest> events = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                String eventId = r.nextInt(3) == 0 ? "e_" + seed + "_" + call + "_" + k : RandomInputs.string(r);
                String batchId = r.nextBoolean() ? "b_1" : RandomInputs.string(r);
                Map<String, Object> payload = null;
                if (r.nextBoolean()) {
                    payload = new LinkedHashMap<>();
                    String key = RandomInputs.string(r);
                    payload.put(key == null ? "k" : key, r.nextBoolean() ? RandomInputs.string(r) : r.nextDouble());
                }
                events.add(new DriverEventRequest(eventId, batchId, r.nextInt(12) == 0 ? null : types[r.nextInt(types.length)],
                        r.nextInt(12) == 0 ? null : clock.instant().minusSeconds(r.nextInt(100_000) - 1_000),
                        r.nextBoolean() ? null : RandomInputs.string(r),
                        r.nextBoolean() ? null : RandomInputs.aroundBound(r, 90),
                        r.nextBoolean() ? null : RandomInputs.aroundBound(r, 180),
                        r.nextBoolean() ? null : RandomInputs.aroundBound(r, 100),
                        r.nextBoolean() ? null : r.nextInt(5) - 1, payload, null,
                        r.nextInt(4) == 0 ? RandomInputs.string(r) : null,
                        r.nextInt(8) == 0 ? RandomInputs.string(r) : null));
            }
            String c = "seed " + seed + " call " + call;
            List<EventOutcome> outcomes = service.sync(ana, events);
            assertThat(outcomes).as(c).hasSize(events.size());
            for (int k = 0; k < events.size(); k++) {
                DriverEventRequest e = events.get(k);
                EventOutcome o = outcomes.get(k);
                String ck = c + " event " + k + ": " + RandomInputs.show(e.eventId()) + " " + RandomInputs.show(e.batchId());
                assertThat(o.result()).as(ck).isNotNull();
                if (!validId(e.eventId()) || !validId(e.batchId())) {
                    assertThat(o.result()).as(ck).isEqualTo(EventOutcome.Result.REJECTED);
                    assertThat(o.error()).as(ck).isEqualTo(ErrorCode.INVALID_REQUEST);
                }
                if (o.result() == EventOutcome.Result.REJECTED) {
                    refused++;
                }
            }
        }
        long kept = store.reviews().findQuarantined("b_1").size();
        assertThat(kept).as("seed %d: refusals naming b_1 are quarantined", seed).isPositive().isLessThanOrEqualTo(refused);
    }
}
