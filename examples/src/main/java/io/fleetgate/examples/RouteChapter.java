package io.fleetgate.examples;

import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.Stop;
import io.fleetgate.supervisor.SupervisorService;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The demo's delivery-route story: a route from INACTIVE to COMPLETED, an event the state machine
 * refuses, an offline batch replayed with duplicates, and an arrival outside a stop's geofence
 * that lands in the supervisor's review queue. Used once, by one thread.
 */
final class RouteChapter implements Chapter {
    private static final Principal SYSTEM = Principal.system();
    private static final Principal.Driver CARA = Principal.driver("cara");
    private static final Principal.Supervisor SAM = Principal.supervisor("sam", "ws_north");
    private static final List<Stop> STOPS = List.of(
            Stop.of(30.2700, -97.7400, 100), Stop.of(30.2750, -97.7400, 100), Stop.of(30.2800, -97.7400, 100));

    private final Stage stage;
    private final DriverExecutionService execution;
    private final SupervisorService supervisor;
    private int eventNumber;

    RouteChapter(Stage stage) {
        this.stage = stage;
        this.execution = stage.fleetgate().execution();
        this.supervisor = stage.fleetgate().supervisor();
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
        execution.createBatch(SAM, new CreateBatchRequest("route_7", "ws_north", "cara", STOPS, Map.of("van", "V-12")));
        stage.narrator().step(execution.batch(SAM, "route_7").status(),
                "sam creates route_7 with 3 stops and assigns it to cara");

        say(CARA, event(DriverEventType.ROUTE_STARTED), "cara starts the route");
        say(CARA, arrival(0, 30.2701, -97.7400), "cara arrives at stop 0");
        say(CARA, event(DriverEventType.PROOF_CAPTURED).stop(0).at(30.2701, -97.7400, 6.0), "cara captures proof of delivery");
        say(CARA, event(DriverEventType.DEPARTED_STOP), "cara leaves stop 0");
        say(CARA, event(DriverEventType.DEPARTED_STOP), "cara reports leaving a stop while driving");

        stage.clock().advance(java.time.Duration.ofMinutes(1));
        stage.narrator().aside("cara's phone loses signal; it records three events offline");
        List<DriverEventRequest> offline = List.of(
                arrival(1, 30.2750, -97.7400),
                event(DriverEventType.DEPARTED_STOP),
                arrival(2, 30.2830, -97.7400));
        List<EventOutcome> first = execution.sync(CARA, offline);
        for (int i = 0; i < first.size(); i++) {
            narrate(first.get(i), "sync: " + offline.get(i).type().name().toLowerCase().replace('_', ' ')
                    + " (recorded " + Narrator.time(offline.get(i).recordedAt()) + ")");
        }
        stage.narrator().aside("the phone did not see the answer, so it sends the same three again");
        for (EventOutcome o : execution.sync(CARA, offline)) {
            narrate(o, "resent " + o.eventId() + ": already in the log, nothing changes");
        }

        say(CARA, event(DriverEventType.ROUTE_COMPLETED), "cara completes the route");
        List<ReviewItem> queue = supervisor.reviewQueue(SAM, 10, null).items();
        for (ReviewItem item : queue) {
            String why = item.isQuarantined() ? item.quarantined().reason() : String.join("; ", item.event().flagReasons());
            stage.narrator().step(item.isQuarantined() ? "QUARANTINED" : "FLAGGED", "in sam's review queue: " + why);
        }
        long version = execution.batch(SAM, "route_7").version();
        stage.narrator().aside("route_7's log holds " + execution.log(SAM, "route_7").size()
                + " events (batch version " + version + "); replaying them gives its status");
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

    private DriverEventRequest arrival(int stop, double lat, double lng) {
        return event(DriverEventType.ARRIVED_AT_STOP).stop(stop).at(lat, lng, 8.0);
    }
}
