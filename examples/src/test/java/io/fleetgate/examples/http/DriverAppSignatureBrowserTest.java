package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.session.EventSignatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver app's canonical encoding and signature (driver/encoding.js, run in headless
 * Chromium) against the server's: byte for byte on docs/event-encoding.md's worked example, and
 * end to end for events with awkward numbers, strings and keys, which the page signs and the
 * server (whose workspace requires signatures) must accept. The encoding does not depend on the
 * database, so this runs on SQLite only.
 */
class DriverAppSignatureBrowserTest {
    /** docs/event-encoding.md's worked example, its canonical encoding as the page must write it. */
    static final String WORKED_EXAMPLE = "{\"accuracy_m\":4.5,\"batch_id\":\"batch-0042\",\"event_id\":"
            + "\"3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f809a1b\",\"event_type\":\"SUPERVISOR_OVERRIDE\",\"lat\":30.2672,"
            + "\"lng\":-97.7431,\"payload\":{\"metadata\":{\"odometer_km\":12345.6,\"vehicle\":\"van-7\"},\"note\":"
            + "\"gate \\\"B\\\"\\ncode 4711\",\"photos\":2},\"reason\":\"driver's phone died at stop 3\",\"recorded_at\":"
            + "\"2026-11-22T10:00:00.123456Z\",\"stop_index\":3,\"target_status\":\"AT_STOP\"}";

    @TempDir
    Path dir;

    private HttpHost host;
    private Api api;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        host = WebApps.start(new SqliteTestDatabase(dir.resolve("signature.db")), dir);
        api = new Api(host.port());
        browser = Browser.start();
        browser.open(api.base() + "/driver/");
    }

    @AfterEach
    void stop() {
        try {
            browser.close();
        } finally {
            host.close();
        }
    }

    @Test
    void theWorkedExampleEncodesAndSignsByteForByteAsOnTheServer() {
        String key = "Bam5AbBlwRKTZlvMl4q/6VELIF7A9bIeJvNY36jx25c=";
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) browser.async("""
                const done = arguments[arguments.length - 1];
                import('/driver/encoding.js').then(async (enc) => {
                  const event = {event_id: '3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f809a1b', batch_id: 'batch-0042',
                    event_type: 'SUPERVISOR_OVERRIDE', recorded_at: '2026-11-22T10:00:00.123456789Z',
                    session_id: 'session-1', lat: 30.2672, lng: -97.7431, accuracy_m: 4.5, stop_index: 3,
                    payload: {photos: 2, note: 'gate "B"\\ncode 4711', metadata: {vehicle: 'van-7', odometer_km: 12345.6}},
                    target_status: 'AT_STOP', reason: "driver's phone died at stop 3"};
                  done({canonical: enc.canonical(event), sha: await enc.sha256Hex(enc.canonical(event)),
                        signature: await enc.sign(arguments[0], event)});
                }).catch((e) => done({error: String(e)}));
                """, key);
        assertThat(out).doesNotContainKey("error");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("photos", 2);
        payload.put("note", "gate \"B\"\ncode 4711");
        payload.put("metadata", Map.of("vehicle", "van-7", "odometer_km", 12345.6));
        String server = EventEncoding.canonical(new DriverEventRequest("3f1c2a9e-7b4d-4c1e-9a2f-5d6e7f809a1b",
                "batch-0042", DriverEventType.SUPERVISOR_OVERRIDE, Instant.parse("2026-11-22T10:00:00.123456789Z"),
                "session-1", 30.2672, -97.7431, 4.5, 3, payload, DriverStatus.AT_STOP, "driver's phone died at stop 3"));
        assertThat(server).isEqualTo(WORKED_EXAMPLE);
        assertThat(out.get("canonical")).isEqualTo(WORKED_EXAMPLE);
        assertThat(out.get("sha")).isEqualTo("db5390ecdaebe3a7b8f894e9b6b1f60395b804a21fcd8a8dfbc334c7b9a3ec6b");
        assertThat(out.get("signature")).isEqualTo(EventSignatures.sign(key, WORKED_EXAMPLE));
    }

    @Test
    void eventsWithAwkwardValuesSignedByThePageVerifyOnTheServer() {
        Api.Reply login = api.post("/v1/auth/login", null, Map.of("username", WebApps.DRIVER, "pin", WebApps.DRIVER_PIN,
                "device_id", "wen-phone"));
        assertThat(login.status()).isEqualTo(200);
        String token = login.body().get("token").asText();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> events = (List<Map<String, Object>>) browser.async("""
                const [sessionId, signingKey, batchId] = arguments;
                const done = arguments[arguments.length - 1];
                import('/driver/encoding.js').then(async (enc) => {
                  const now = Date.now();
                  const payloads = [
                    {tiny: 1e-7, tinier: 1.5e-7, huge: 1e21, negZero: -0, hundred: 100.0, sum: 0.1 + 0.2, odo: 12345.6,
                     neg: -0.001, big: 123456789012345680000, int: 42},
                    {text: 'quote " backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f unit \\u001f del \\u007f',
                     accents: 'Ünïcødé ✓', emoji: '🚚📦', nested: {b: [1, 2.5, 'x', true, false, null], a: {}}},
                    {Z: 1, a: 2, 'é': 3, '\\u{1F600}': 4, '_': 5, '10': 6, '9': 7, ' ': 8},
                  ];
                  const out = [];
                  for (let i = 0; i < payloads.length; i++) {
                    const event = {event_id: crypto.randomUUID(), batch_id: batchId, event_type: 'PROOF_CAPTURED',
                      recorded_at: enc.recordedAt(new Date(now - 1000 + i)), lat: 30.270000000000003, lng: -97.74,
                      accuracy_m: 7.25, payload: payloads[i], session_id: sessionId};
                    event.signature = await enc.sign(signingKey, event);
                    out.push(event);
                  }
                  done(out);
                }).catch((e) => done([{error: String(e)}]));
                """, login.body().get("session_id").asText(), login.body().get("signing_key").asText(), WebApps.BATCH);
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e).doesNotContainKey("error"));
        Api.Reply sync = api.post("/v1/driver/events", token, Map.of("events", events));
        assertThat(sync.status()).as("%s", sync).isEqualTo(200);
        for (JsonNode result : sync.body().get("results")) {
            assertThat(result.get("outcome").asText()).as("%s", result).isEqualTo("ACCEPTED");
        }
        // the same events signed with one byte changed are refused: the check is real
        Map<String, Object> tampered = new LinkedHashMap<>(events.get(0));
        tampered.put("event_id", "tampered-" + tampered.get("event_id"));
        Api.Reply refused = api.post("/v1/driver/events", token, Map.of("events", List.of(tampered)));
        assertThat(refused.body().at("/results/0/error").asText()).isEqualTo("BAD_SIGNATURE");
    }
}
