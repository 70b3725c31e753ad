package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.Principal;
import io.fleetgate.internal.Context;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The order of the sync checks, in one place ({@link #apply}): parse, authorize, dedupe, verify,
 * decide, stops, flag, persist. Each stage is a type with one job; it reads the store only through the
 * call's {@link SyncCall}, answers an event it refuses there, and then no later stage sees the
 * event. The order is the security issue's: nothing reads the sender's events on a batch before
 * {@link SyncAuthorize} has found the sender may act on it, and nothing is decided on an event
 * before {@link SyncVerify} has checked whose it is.
 *
 * <p>Decides in memory only; committing, retrying and logging are the service's. Immutable and
 * thread-safe; one per service, shared by every call.
 */
final class SyncPipeline {
    private final BatchRepository batches;
    private final EventLog eventLog;
    private final SessionRepository sessions;
    private final WorkspaceDirectory workspaces;
    private final PositionLog positions;
    private final SyncParse parse;
    private final SyncAuthorize authorize = new SyncAuthorize();
    private final SyncDedupe dedupe = new SyncDedupe();
    private final SyncVerify verify;
    private final SyncDecide decide = new SyncDecide(DriverStateMachine.standard());
    private final StopEffects stops;
    private final SyncFlag flag;
    private final SyncPersist persist = new SyncPersist();

    SyncPipeline(Context context) {
        this.batches = context.store().batches();
        this.eventLog = context.store().eventLog();
        this.sessions = context.store().sessions();
        this.workspaces = context.store().workspaces();
        this.positions = context.store().positions();
        this.parse = new SyncParse(context.settings().sync());
        this.verify = new SyncVerify(context.settings().sync(), context.signatures());
        this.stops = new StopEffects(new StopRules(context.settings().stops()));
        this.flag = new SyncFlag(context.settings().sync(), context.settings().positions());
    }

    /**
     * {@return one attempt's decisions on the events, in the order given, from one read of the store}
     *
     * @param principal who sends them
     * @param events    the events, already checked as a list
     * @param now       the call's instant
     * @param hiddenIds ids the store found taken by events the sender cannot see, refused as conflicts
     */
    SyncCall decide(Principal principal, List<DriverEventRequest> events, Instant now, Set<String> hiddenIds) {
        SyncCall call = new SyncCall(batches, eventLog, sessions, workspaces, positions, principal, now, hiddenIds);
        call.prefetch(events);
        for (DriverEventRequest e : events) {
            apply(call, e);
        }
        return call;
    }

    /** One event through the stages, in order; a stage that refuses it has answered it. */
    private void apply(SyncCall call, DriverEventRequest raw) {
        SyncParse.Parsed p = parse.parse(call, raw);                        // fields, ranges, encoding
        if (p == null) {
            return;
        }
        Batch b = authorize.authorize(call, p.event());                     // the batch, and may the sender act on it
        if (b == null) {
            return;
        }
        if (dedupe.answered(call, p, b)) {                                  // the sender's own ids only
            return;
        }
        if (!verify.passes(call, p, b)) {                                   // offline age, session, signature
            return;
        }
        DriverStateMachine.Decision d = decide.decide(call, p.event(), b);  // state machine, stops, one on route
        if (d == null) {
            return;
        }
        StopEffects.Result r = stops(call, p.event(), b, d);                // stop, outcome, proof, plan
        if (r == null) {
            return;
        }
        List<String> flags = flag.flags(call, p.event(), b, r);            // geofence, presence, speed, stop
        persist.persist(call, p, b, d, flags, r);                           // the event joins the call, the batch moves
    }

    /**
     * Sync stage 6, stops: what the event does to the stop it names under {@link StopRules}
     * ({@link StopEffects}); a refusal ({@code PROOF_REQUIRED}, {@code STOPS_OPEN}, an unknown or
     * removed stop, an immutable outcome) is answered and quarantined in the batch's workspace.
     */
    private StopEffects.Result stops(SyncCall call, DriverEventRequest e, Batch b, DriverStateMachine.Decision d) {
        try {
            return stops.apply(b, StopEffects.Step.of(e), d.to(), call.now());
        } catch (FleetgateException ex) {
            call.refuse(e, b, ex);
            return null;
        }
    }
}
