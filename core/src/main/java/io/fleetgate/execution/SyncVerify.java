package io.fleetgate.execution;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.SyncSettings;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.BadSignatureException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.EventSignatures;

import java.time.Duration;
import java.time.Instant;

/**
 * Sync stage 4, verify: the event is not older than {@code EVENT_MAX_OFFLINE_AGE_H}
 * ({@code INVALID_REQUEST}), names only a session it may name, and its signature (if any, or if the
 * workspace requires one) verifies under its session's key with its {@code recorded_at} within the
 * session's lifetime, give or take {@code EVENT_SESSION_SKEW_S} ({@code BAD_SIGNATURE}). Reads the
 * sender's sessions and the batch's workspace; writes nothing but the answer to a refused event,
 * quarantined in the batch's workspace.
 *
 * <p>Immutable and thread-safe; one per service, shared by every call.
 */
final class SyncVerify {
    private final SyncSettings settings;
    private final EventSignatures signatures;

    /**
     * @param settings   the offline age and session skew
     * @param signatures the host's signatures, or {@code null} without a signing secret
     */
    SyncVerify(SyncSettings settings, EventSignatures signatures) {
        this.settings = settings;
        this.signatures = signatures;
    }

    /** {@return whether the event passed; if not, it was refused (and answered)} */
    boolean passes(SyncCall call, SyncParse.Parsed p, Batch b) {
        DriverEventRequest e = p.event();
        try {
            Duration maxAge = settings.maxOfflineAge();
            if (e.recordedAt().isBefore(call.now().minus(maxAge))) {
                throw FleetgateException.invalid("recorded_at", "is more than " + maxAge.toHours()
                        + " h before the server clock (" + FleetgateSettings.EVENT_MAX_OFFLINE_AGE_H
                        + "); kept for review, not applied");
            }
            checkSignature(call, e, p.canonical(), b);
            return true;
        } catch (FleetgateException ex) {
            call.refuse(e, b, ex);
            return false;
        }
    }

    private void checkSignature(SyncCall call, DriverEventRequest e, String canonical, Batch b) {
        Principal principal = call.principal();
        // The requirement protects what devices send; the library's own events and supervisors'
        // authenticated calls are not signed.
        boolean required = principal instanceof Principal.Driver
                && call.workspaceOf(b).map(Workspace::requireSignedEvents).orElse(false);
        if (e.signature() == null) {
            if (required) {
                throw badSignature("workspace " + b.workspaceId() + " requires signed events");
            }
            // Unsigned, an event may name only the sender's current session: nothing else
            // proves it was recorded under another one. The system's own events (a login's
            // DRIVER_LOGGED_IN) name the session they open.
            if (e.sessionId() != null && !(principal instanceof Principal.System)
                    && !call.currentSession().map(DeviceSession::id).filter(e.sessionId()::equals).isPresent()) {
                throw badSignature("an unsigned event may name only the sender's current session; "
                        + "an event recorded under an earlier session must be signed with it");
            }
            return;
        }
        if (signatures == null) {
            throw badSignature("this host cannot verify signatures: FLEETGATE_SIGNING_SECRET is not set");
        }
        if (e.sessionId() == null) {
            throw badSignature("a signed event must name the session_id it was recorded under");
        }
        String signer = principal instanceof Principal.Driver ? principal.userId() : b.driverId();
        DeviceSession session = call.session(e.sessionId());
        if (session == null || !session.userId().equals(signer)) {
            throw badSignature("session " + e.sessionId() + " is not a session of " + signer);
        }
        if (!signatures.verify(e.sessionId(), canonical, e.signature())) {
            throw badSignature("the signature does not match the event");
        }
        // The key proves the event was made on the session's device, so only while the session
        // lived: an ended session's key signs nothing after its end.
        Duration skew = settings.sessionSkew();
        Instant end = session.invalidatedAt() == null || session.invalidatedAt().isAfter(session.expiresAt())
                ? session.expiresAt() : session.invalidatedAt();
        if (e.recordedAt().isBefore(session.createdAt().minus(skew)) || e.recordedAt().isAfter(end.plus(skew))) {
            throw badSignature("recorded_at lies outside the lifetime of session " + e.sessionId()
                    + " (" + session.createdAt() + " to " + end + ", give or take " + skew.toSeconds() + " s)");
        }
    }

    private static FleetgateException badSignature(String why) {
        return new BadSignatureException(why);
    }
}
