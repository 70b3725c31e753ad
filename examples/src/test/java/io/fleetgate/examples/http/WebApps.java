package io.fleetgate.examples.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the browser tests share: a host on the real clock (the browser's events carry its real
 * time) with a workspace of their own that requires signed events, so every event the driver app
 * gets accepted proves that the page's signature verified on the server.
 */
final class WebApps {
    static final String DRIVER = "wen";
    static final String DRIVER_PIN = "314159";
    static final String SUPERVISOR = "sol";
    static final String SUPERVISOR_PIN = "271828";
    static final String BATCH = "b_w";

    /** ws_w requires signed events; b_w's first stop needs a signature, its second a note. */
    static final String FIXTURES = """
            {"workspaces": [{"id": "ws_w", "name": "Web depot", "require_signed_events": true}],
             "users": [
               {"id": "d_w", "username": "wen", "pin": "314159", "role": "DRIVER", "workspace_id": "ws_w"},
               {"id": "s_w", "username": "sol", "pin": "271828", "role": "SUPERVISOR", "workspace_id": "ws_w"}],
             "batches": [
               {"id": "b_w", "workspace_id": "ws_w", "driver_id": "d_w",
                "stops": [{"id": "gate", "lat": 30.27, "lng": -97.74, "radius_m": 100, "proof": [{"kind": "SIGNATURE"}]},
                          {"id": "dock", "lat": 30.28, "lng": -97.74, "radius_m": 100, "proof": [{"kind": "NOTE"}]}]}]}
            """;

    private WebApps() {
    }

    /**
     * @param db  the database
     * @param dir a folder for the fixtures file
     * @return a host with the web fixtures, on the system clock
     * @throws IOException if the fixtures cannot be written
     */
    static HttpHost start(TestDatabase db, Path dir) throws IOException {
        Path fixtures = dir.resolve("web.json");
        Files.writeString(fixtures, FIXTURES);
        return HttpApiContract.startHost(db.options(), fixtures, Clock.systemUTC());
    }
}
