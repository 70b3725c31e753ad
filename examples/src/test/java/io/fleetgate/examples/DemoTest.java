package io.fleetgate.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {
    private static final Pattern HEADING = Pattern.compile("^fleetgate demo — .+ \\(SQLite: (.+)\\)$");
    private static final Pattern STEP = Pattern.compile("^  ([A-Z_]+) +(.+)$");

    @Test
    void runWhenToldThenPrintsTheLibrarysCodesInTheStorysOrder() {
        List<String> lines = runDemo();

        List<String> codes = lines.stream()
                .map(STEP::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .toList();
        assertThat(codes).containsExactly("ACTIVE", "OUTSIDE_RADIUS", "ACTIVE_SESSION_EXISTS", "ACTIVE",
                "COMPLETED", "ACCURACY_TOO_LOW", "ACTIVE", "EXPIRED", "NOT_ACTIVE",
                // the route: created, started, fixes streamed, at maple-12 (confirmed by them),
                // leaving refused without the signature, the signature, left delivered, an
                // impossible departure, a stop added by the supervisor, a detour off the corridor,
                // three offline events (one a failed stop), the same three resent, oak-3's arrival
                // confirmed by fixes that came later, the completion refused while birch-1 is open,
                // birch-1 skipped, completed, then the review queue in the order its items reached
                // the server: the two refusals, the excursion, elm-8's flagged arrival, the refused
                // completion
                "INACTIVE", "EN_ROUTE", "FIXES", "AT_STOP", "PROOF_REQUIRED", "AT_STOP", "EN_ROUTE",
                "INVALID_TRANSITION", "EN_ROUTE", "OFF_CORRIDOR", "AT_STOP", "EN_ROUTE", "AT_STOP", "DUPLICATE",
                "DUPLICATE", "DUPLICATE", "CONFIRMED", "STOPS_OPEN", "SKIPPED", "COMPLETED", "QUARANTINED",
                "QUARANTINED", "ALERT", "FLAGGED", "QUARANTINED");
    }

    @Test
    void runWhenArrivalOutsideStopThenItIsFlaggedWithTheDistance() {
        assertThat(runDemo()).anyMatch(l -> l.startsWith("  FLAGGED ") && l.contains("OUTSIDE_GEOFENCE: 334 m from stop 3"));
    }

    @Test
    void runWhenThePhoneStreamsFixesThenArrivalsAreConfirmedNowOrLaterAndTheDetourIsOneItem() {
        List<String> lines = runDemo();
        assertThat(lines).anyMatch(l -> l.startsWith("  AT_STOP ") && l.contains("arrives at maple-12")
                && !l.contains("flagged"));
        assertThat(lines).anyMatch(l -> l.startsWith("  AT_STOP ") && l.contains("arrived at stop oak-3")
                && l.contains("flagged for review"));
        assertThat(lines).anyMatch(l -> l.startsWith("  CONFIRMED ") && l.contains("oak-3"));
        assertThat(lines).noneMatch(l -> l.startsWith("  FLAGGED ") && l.contains("oak-3"));
        assertThat(lines).filteredOn(l -> l.startsWith("  ALERT ")).singleElement().asString()
                .contains("OFF_CORRIDOR: outside the planned route's corridor (300 m wide), 8 fixes");
        assertThat(lines).anyMatch(l -> l.startsWith("  FLAGGED ") && l.contains("ARRIVAL_UNCONFIRMED: 0 of 2 fixes")
                && l.contains("stop elm-8"));
    }

    @Test
    void runWhenTheRouteEndsThenTheBoardCountsItsStopsAndTheFailureKeepsItsReason() {
        List<String> lines = runDemo();
        assertThat(lines).anyMatch(l -> l.contains("sam's board: cara on route_7, 2 stops done, 1 failed, 0 late"));
        assertThat(lines).anyMatch(l -> l.contains("change feed") && l.contains("23 changes in commit order (10 event,"
                + " 8 batch, 3 quarantined, 1 alert, 1 review), none skipped, none twice"));
        assertThat(lines).anyMatch(l -> l.startsWith("  PROOF_REQUIRED ") && l.contains("missing SIGNATURE: 0 of 1"));
        assertThat(lines).anyMatch(l -> l.startsWith("  STOPS_OPEN ") && l.endsWith("no outcome: birch-1"));
    }

    @Test
    void runWhenFinishedThenTheListenerHeardEachCommittedChangeOnce() {
        // sessions: two activations, one completion, one expiry (the refusals tell nothing);
        // batches: the creation, then eight calls that moved the route, recording the log's 10 events
        // (the offline three in one call; the resend records nothing; two of them the supervisor's
        // plan changes); three refusals quarantined
        assertThat(runDemo()).last().isEqualTo("What the host's listener heard (one call per committed change,"
                + " none for refusals and resends): exclusive sessions 4, batches 9 (10 events recorded),"
                + " quarantined events 3");
    }

    @Test
    void runWhenOutsideRadiusThenTheLineShowsDistanceAndRadius() {
        String line = runDemo().stream()
                .filter(l -> l.startsWith("  OUTSIDE_RADIUS "))
                .findFirst().orElseThrow();

        assertThat(line).contains("222 m").contains("150 m");
    }

    @Test
    void runWhenFinishedThenTheTemporaryDatabaseIsRemoved() {
        String heading = runDemo().get(0);
        Matcher m = HEADING.matcher(heading);
        assertThat(m.matches()).as("heading %s", heading).isTrue();
        Path file = Path.of(m.group(1));

        assertThat(file).isAbsolute();
        assertThat(Files.exists(file)).as("%s exists", file).isFalse();
        assertThat(Files.exists(Path.of(file + "-wal"))).isFalse();
        assertThat(Files.exists(Path.of(file + "-shm"))).isFalse();
    }

    @Test
    void runWhenFinishedThenTheLogThresholdIsRestored() {
        JsonLines.setLevel(org.slf4j.event.Level.DEBUG);
        try {
            runDemo();
            assertThat(JsonLines.level()).isEqualTo(org.slf4j.event.Level.DEBUG);
        } finally {
            JsonLines.setLevel(org.slf4j.event.Level.INFO);
        }
    }

    private static List<String> runDemo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R"));
    }
}
