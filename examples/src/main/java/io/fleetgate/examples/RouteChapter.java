package io.fleetgate.examples;

import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.PlanChange;
import io.fleetgate.execution.PositionService;
import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.supervisor.ChangeKind;
import io.fleetgate.supervisor.ChangePage;
import io.fleetgate.supervisor.DriverBoardRow;
import io.fleetgate.supervisor.SupervisorService;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's delivery-route story: a route from INACTIVE to COMPLETED with stops named by id and a
 * planned corridor, an arrival the phone's fixes confirm, a departure refused until the stop's
 * signature is captured, an event the state machine refuses, a supervisor adding a stop mid-route,
 * a detour off the corridor (one review item), an offline batch (a failed stop with its reason, an
 * arrival outside a stop's geofence) replayed with duplicates, an unconfirmed arrival confirmed when
 * the phone's buffered fixes arrive in a later sync, a completion refused while a stop is open
 * until the supervisor skips it, the board's counts and the review queue. Used once, by one thread.
 */
final class RouteChapter implements Chapter {
    private static final Principal SYSTEM = Principal.system();
    private static final Principal.Driver CARA = Principal.driver("cara");
    private static final Principal.Supervisor SAM = Principal.supervisor("sam", "ws_north");
    /** What the driver app would send as the signature image's SHA-256. */
    private static final String SIGNATURE_SHA256 = "9f2c0d7a".repeat(8);

    private final Stage stage;
    private final DriverExecutionService execution;
    private final SupervisorService supervisor;
    private final PositionService positions;
    private int eventNumber;

    RouteChapter(Stage stage) {
        this.stage = stage;
        this.execution = stage.fleetgate().execution();
        this.supervisor = stage.fleetgate().supervisor();
        this.positions = stage.fleetgate().positions();
    }

    @Override
    public String title() {
        return "a delivery route, step by step and offline";
    }

    @Override
    public void tell() {
        AccessService access = stage.fleetgate().access();
        access.upsertWorkspace(SYSTEM, new Workspace("ws_north", "North depot"));
        access.addMember(SYSTEM, new Membership("cara", "ws_north", Role.DRIVER));
        access.addMember(SYSTEM, new Membership("sam", "ws_north", Role.SUPERVISOR));
        Instant now = stage.clock().instant();
        List<Stop> stops = List.of(
                Stop.of(30.2700, -97.7400, 100).withId("maple-12").requiring(ProofKind.SIGNATURE, 1),
                Stop.of(30.2750, -97.7400, 100).withId("oak-3")
                        .withWindow(new TimeWindow(now.minus(Duration.ofHours(2)), now.plus(Duration.ofHours(1)))),
                Stop.of(30.2800, -97.7400, 100).withId("elm-8"));
        Corridor corridor = Corridor.of(List.of(Coordinate.of(30.2650, -97.7400), Coordinate.of(30.2850, -97.7400)), 300);
        execution.createBatch(SAM, new CreateBatchRequest("route_7", "ws_north", "cara", stops, Map.of("van", "V-12"),
                corridor));
        stage.narrator().step(execution.batch(SAM, "route_7").status(),
                "sam creates route_7: maple-12 (needs a signature), oak-3 (a time window), elm-8; for cara,"
                        + " along a planned route with a 300 m corridor");

        // sam's console follows the workspace's change feed from here on
        String feedCursor = stage.fleetgate().changes().head(SAM, null);

        say(CARA, event(DriverEventType.ROUTE_STARTED), "cara starts the route");
        DriverEventRequest atMaple = arrival("maple-12", 30.2701, -97.7400);
        PositionReceipt streamed = positions.ingest(CARA, "route_7", List.of(
                fix(atMaple.recordedAt().minusSeconds(20), 30.2702, -97.7400),
                fix(atMaple.recordedAt().minusSeconds(5), 30.2701, -97.7401)));
        stage.narrator().step("FIXES", "cara's phone streams its position: " + streamed.accepted()
                + " fixes at maple-12 (kept apart from the event log)");
        say(CARA, atMaple, "cara arrives at maple-12; her fixes show her there, so the arrival is confirmed");
        say(CARA, event(DriverEventType.DEPARTED_STOP), "cara tries to leave maple-12 without a signature");
        say(CARA, event(DriverEventType.PROOF_CAPTURED).at(30.2701, -97.7400, 6.0).payload(Map.of("proof",
                Map.of("kind", "SIGNATURE", "hash", SIGNATURE_SHA256, "ref", "van-12/sig-0001.png"))),
                "cara captures the recipient's signature (the host keeps the image; fleetgate its hash)");
        say(CARA, event(DriverEventType.DEPARTED_STOP).payload(Map.of("outcome", Map.of("status", "COMPLETED"))),
                "cara leaves maple-12: delivered");
        say(CARA, event(DriverEventType.DEPARTED_STOP), "cara reports leaving a stop while driving");

        Batch added = supervisor.changePlan(SAM, "route_7", new PlanChange.AddStop(
                Stop.of(30.2775, -97.7400, 80).withId("birch-1"), 2), "a parcel for birch-1 came in", null);
        stage.narrator().step(added.status(), "sam adds birch-1 before elm-8 (a plan change, now "
                + added.stops().stream().map(Stop::id).toList() + ")");

        // sam's review queue lists items by when they reached the server: a second apart, the
        // excursion after the refusals before it and before the ones after it, whatever their ids
        stage.clock().advance(Duration.ofSeconds(1));
        Instant detour = stage.clock().instant().plusSeconds((eventNumber + 1) * 240L - 3600 - 150);
        List<Fix> east = new ArrayList<>();
        for (int s = 0; s < 120; s += 15) {
            east.add(fix(detour.plusSeconds(s), 30.2760, -97.7350));
        }
        positions.ingest(CARA, "route_7", east);
        stage.narrator().step("OFF_CORRIDOR", "cara takes a detour 480 m east of the planned route: "
                + east.size() + " fixes, one review item for the excursion");

        stage.clock().advance(Duration.ofMinutes(1));
        stage.narrator().aside("cara's phone loses signal; it records three events offline");
        List<DriverEventRequest> offline = List.of(
                arrival("oak-3", 30.2750, -97.7400),
                event(DriverEventType.DEPARTED_STOP).payload(Map.of("outcome",
                        Map.of("status", "FAILED", "reason", "RECIPIENT_ABSENT", "note", "card left in the door"))),
                arrival("elm-8", 30.2830, -97.7400));
        List<EventOutcome> first = execution.sync(CARA, offline);
        for (int i = 0; i < first.size(); i++) {
            narrate(first.get(i), "sync: " + offline.get(i).type().name().toLowerCase().replace('_', ' ')
                    + (offline.get(i).stopId() == null ? "" : " " + offline.get(i).stopId())
                    + (i == 1 ? " (failed: RECIPIENT_ABSENT)" : "")
                    + " (recorded " + Narrator.time(offline.get(i).recordedAt()) + ")");
        }
        stage.narrator().aside("the phone did not see the answer, so it sends the same three again");
        for (EventOutcome o : execution.sync(CARA, offline)) {
            narrate(o, "resent " + o.eventId() + ": already in the log, nothing changes");
        }

        Instant atOak = offline.get(0).recordedAt();
        PositionReceipt late = positions.ingest(CARA, "route_7", List.of(fix(atOak.minusSeconds(10), 30.2751, -97.7400),
                fix(atOak.plusSeconds(20), 30.2750, -97.7401)));
        stage.narrator().step(late.arrivalsConfirmed() == 1 ? "CONFIRMED" : "UNCONFIRMED",
                "the fixes cara's phone buffered offline arrive in a later sync: they show her at oak-3,"
                        + " so its arrival (flagged ARRIVAL_UNCONFIRMED) is confirmed and leaves the review queue");

        stage.clock().advance(Duration.ofSeconds(1));
        say(CARA, event(DriverEventType.ROUTE_COMPLETED), "cara tries to complete the route");
        Batch skipped = supervisor.changePlan(SAM, "route_7", new PlanChange.SkipStop("birch-1"),
                "birch-1's customer cancelled", null);
        stage.narrator().step(skipped.progressOf("birch-1").status(), "sam skips birch-1");
        say(CARA, event(DriverEventType.ROUTE_COMPLETED).payload(Map.of("outcome", Map.of("status", "COMPLETED"))),
                "cara completes the route, delivering elm-8");
        DriverBoardRow row = supervisor.statusBoard(SAM).get(0);
        stage.narrator().aside("sam's board: " + row.driverId() + " on " + row.batchId() + ", " + row.stopsDone()
                + " stops done, " + row.stopsFailed() + " failed, " + row.stopsLate() + " late");
        List<ReviewItem> queue = supervisor.reviewQueue(SAM, 10, null).items();
        for (ReviewItem item : queue) {
            PositionAlert alert = item.alert();
            String why = item.isQuarantined() ? item.quarantined().reason() : alert != null
                    ? alert.kind() + ": " + alert.detail() + ", " + alert.count() + " fixes from "
                    + Narrator.time(alert.firstAt()) + " to " + Narrator.time(alert.lastAt())
                    : String.join("; ", item.event().flagReasons());
            stage.narrator().step(item.isQuarantined() ? "QUARANTINED" : alert != null ? "ALERT" : "FLAGGED",
                    "in sam's review queue: " + why);
        }
        Map<ChangeKind, Integer> seen = new java.util.EnumMap<>(ChangeKind.class);
        for (ChangePage page = stage.fleetgate().changes().changes(SAM, feedCursor, 10); !page.changes().isEmpty();
             page = stage.fleetgate().changes().changes(SAM, page.cursor(), 10)) {
            page.changes().forEach(c -> seen.merge(c.kind(), 1, Integer::sum));
        }
        stage.narrator().aside("sam's console reads the workspace's change feed from the cursor it took when the route began,"
                + " 10 at a time: "
                + seen.values().stream().mapToInt(Integer::intValue).sum() + " changes in commit order ("
                + seen.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase())
                .collect(java.util.stream.Collectors.joining(", ")) + "), none skipped, none twice");
        long version = execution.batch(SAM, "route_7").version();
        stage.narrator().aside("route_7's log holds " + execution.log(SAM, "route_7").size()
                + " events (batch version " + version + "); replaying them gives the batch as stored");
    }

    private void say(Principal who, DriverEventRequest e, String sentence) {
        narrate(execution.record(who, e), sentence);
    }

    private void narrate(EventOutcome o, String sentence) {
        switch (o.result()) {
            case ACCEPTED -> stage.narrator().step(o.status(), sentence
                    + (o.flaggedForReview() ? " — flagged for review" : ""));
            case DUPLICATE -> stage.narrator().step("DUPLICATE", sentence);
            case REJECTED -> stage.narrator().step(o.error(), sentence + " — refused: " + o.message());
        }
    }

    private DriverEventRequest event(DriverEventType type) {
        eventNumber++;
        Instant at = stage.clock().instant().plusSeconds(eventNumber * 240L);
        return DriverEventRequest.of("evt-" + eventNumber, "route_7", type, at.minusSeconds(3600));
    }

    private static Fix fix(Instant at, double lat, double lng) {
        return Fix.of(at, lat, lng, 6.0);
    }

    private DriverEventRequest arrival(String stopId, double lat, double lng) {
        return event(DriverEventType.ARRIVED_AT_STOP).stop(stopId).at(lat, lng, 8.0);
    }
}
