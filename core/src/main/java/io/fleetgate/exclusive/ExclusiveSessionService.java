package io.fleetgate.exclusive;

import io.fleetgate.DecisionKind;
import io.fleetgate.ExclusiveSettings;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.AccuracyTooLowException;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotActiveException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import io.fleetgate.geo.Geofence;
import io.fleetgate.geo.GeofenceCheck;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.ActivationOutcome;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.FinishOutcome;
import io.fleetgate.spi.PlaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Exclusive sessions at EV chargers: a driver within the radius of a charger activates a
 * time-boxed exclusive offer at a merchant; one ACTIVE session per driver; sessions end by
 * completion, cancellation or expiry.
 *
 * <p>Every call takes the acting {@link Principal}; only a driver may activate, complete, cancel or
 * look up, and only their own sessions (someone else's session is "not found"). Refusals are
 * {@link FleetgateException}s checked in this order: invalid request, unknown charger or merchant,
 * accuracy, radius, already active. A refusal writes nothing, except that a session found past its
 * expiry is marked EXPIRED on the way.
 *
 * <p>Expiry is lazy (an ACTIVE session past {@code expires_at} is marked EXPIRED when next touched)
 * and may also be swept with {@link #expireDue}. Each outcome is logged through SLF4J under this
 * class's logger as a key-value event named {@code exclusive_activated},
 * {@code exclusive_activation_blocked}, {@code exclusive_completed}, {@code exclusive_canceled} or
 * {@code exclusive_expired}.
 *
 * <p>Instances are immutable and thread-safe; share one per host.
 */
public final class ExclusiveSessionService {
    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveSessionService.class);

    private final PlaceDirectory places;
    private final ExclusiveSessionRepository sessions;
    private final Context context;
    private final ExclusiveSettings settings;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public ExclusiveSessionService(Context context) {
        this.places = context.store().places();
        this.sessions = context.store().exclusiveSessions();
        this.context = context;
        this.settings = context.settings().exclusive();
    }

    /**
     * Creates or updates a charger, the reference data activation checks the distance to.
     *
     * @param principal the system (reference data comes from the host's own catalogue)
     * @param charger   the charger
     * @throws ForbiddenException        for anyone but the system
     * @throws InvalidRequestException   if its place id belongs to another charger
     * @throws StoreUnavailableException if the store fails
     */
    public void upsertCharger(Principal principal, Charger charger) {
        requireSystem(principal, "manages chargers");
        places.upsertCharger(Objects.requireNonNull(charger, "charger"));
    }

    /**
     * Creates or updates a merchant, the place an exclusive session is for.
     *
     * @param principal the system (reference data comes from the host's own catalogue)
     * @param merchant  the merchant
     * @throws ForbiddenException        for anyone but the system
     * @throws InvalidRequestException   if its place id belongs to another merchant
     * @throws StoreUnavailableException if the store fails
     */
    public void upsertMerchant(Principal principal, Merchant merchant) {
        requireSystem(principal, "manages merchants");
        places.upsertMerchant(Objects.requireNonNull(merchant, "merchant"));
    }

    /**
     * {@return the merchant, if known} Reference data: any principal may read it.
     *
     * @param merchantId a merchant id
     * @throws InvalidRequestException   for a bad id
     * @throws StoreUnavailableException if the store fails
     */
    public Optional<Merchant> merchant(String merchantId) {
        return places.findMerchant(Ids.require("merchant_id", merchantId));
    }

    private static void requireSystem(Principal principal, String what) {
        if (!(Objects.requireNonNull(principal, "principal") instanceof Principal.System)) {
            throw FleetgateException.forbidden("only the system " + what);
        }
    }

    /**
     * Activates an exclusive session for the calling driver.
     *
     * @param principal the caller; must be a driver
     * @param request   what the driver sent
     * @return the new ACTIVE session, expiring after the configured duration
     * @throws ForbiddenException           for anyone but a driver
     * @throws InvalidRequestException      for a missing charger id, no merchant id of either kind, a
     *                                      bad id, coordinate or accuracy, or a merchant place id that
     *                                      is not the merchant's
     * @throws NotFoundException            for an unknown charger or merchant
     * @throws AccuracyTooLowException      for an accuracy worse than {@code MAX_ACCURACY_M}, or an
     *                                      unknown one under {@code UNKNOWN_ACCURACY=refuse}
     * @throws OutsideRadiusException       farther than {@code CHARGER_RADIUS_M} from the charger
     * @throws ActiveSessionExistsException if the driver already has an ACTIVE session
     * @throws StoreUnavailableException    if the store fails
     */
    public ExclusiveSession activate(Principal principal, ActivateRequest request) {
        return context.decide(DecisionKind.ACTIVATION, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                Objects.requireNonNull(request, "request");
                try {
                    Principal.Driver driver = Principal.requireDriver(principal, "activate an exclusive session");
                    return activate(driver, request);
                } catch (FleetgateException e) {
                    LoggingEventBuilder event = LOG.atInfo().setMessage("exclusive_activation_blocked")
                            .addKeyValue("driver_id", principal == null ? null : LogValues.text(principal.userId()))
                            .addKeyValue("charger_id", LogValues.text(request.chargerId()))
                            .addKeyValue("merchant_id", LogValues.text(request.merchantId()))
                            .addKeyValue("reason", e.code().name());
                    e.details().forEach((k, v) -> event.addKeyValue(LogValues.text(k), v instanceof ExclusiveSession s
                            ? LogValues.text(s.id()) : v instanceof Number || v instanceof Boolean || v == null
                            ? v : LogValues.text(String.valueOf(v))));
                    event.log();
                    throw e;
                }
            }
        });
    }

    /**
     * The activation's stages, in the order the refusals are checked; each refuses with its own
     * code and only the last writes.
     */
    private ExclusiveSession activate(Principal.Driver driver, ActivateRequest request) {
        Fix fix = validate(request);                            // INVALID_REQUEST; reads nothing
        Place place = locate(request);                          // NOT_FOUND: the charger, then the merchant
        checkAccuracy(fix);                                     // ACCURACY_TOO_LOW
        GeofenceCheck fence = checkFence(place.charger(), fix); // OUTSIDE_RADIUS
        return commit(driver, request, place, fix, fence);      // ACTIVE_SESSION_EXISTS; the only write
    }

    /** Where the driver says they are: the point and the accuracy (metres, or {@code null} if unknown). */
    private record Fix(Coordinate at, Double accuracy) {
    }

    /** The reference data an activation names. */
    private record Place(Charger charger, Merchant merchant) {
    }

    /** Stage 1, validate: ids, a merchant of either kind, the coordinates and accuracy; reads nothing. */
    private static Fix validate(ActivateRequest request) {
        Ids.require("charger_id", request.chargerId());
        Ids.optional("merchant_id", request.merchantId());
        Ids.optional("merchant_place_id", request.merchantPlaceId());
        Ids.optional("intent_session_id", request.intentSessionId());
        if (request.merchantId() == null && request.merchantPlaceId() == null) {
            throw FleetgateException.invalid("merchant_id", "or merchant_place_id is required");
        }
        Coordinate at = Coordinate.of(request.lat(), request.lng());
        return new Fix(at, Geo.checkAccuracy("accuracy_m", request.accuracyMeters()));
    }

    /**
     * Stage 2, locate: the charger, then the merchant (by id, with a matching place id if both are
     * given, or by place id); reads reference data, writes nothing.
     */
    private Place locate(ActivateRequest request) {
        Charger charger = places.findCharger(request.chargerId())
                .orElseThrow(() -> FleetgateException.notFound("charger", request.chargerId()));
        if (request.merchantId() != null) {
            Merchant m = places.findMerchant(request.merchantId())
                    .orElseThrow(() -> FleetgateException.notFound("merchant", request.merchantId()));
            if (request.merchantPlaceId() != null && !request.merchantPlaceId().equals(m.placeId())) {
                throw FleetgateException.invalid("merchant_place_id", "does not match merchant " + m.id());
            }
            return new Place(charger, m);
        }
        Merchant m = places.findMerchantByPlaceId(request.merchantPlaceId())
                .orElseThrow(() -> FleetgateException.notFound("merchant place", request.merchantPlaceId()));
        return new Place(charger, m);
    }

    /** Stage 3, accuracy: no worse than {@code MAX_ACCURACY_M}; unknown as {@code UNKNOWN_ACCURACY} says. */
    private void checkAccuracy(Fix fix) {
        if (fix.accuracy() == null && settings.unknownAccuracy() == ExclusiveSettings.UnknownAccuracy.REFUSE) {
            throw new AccuracyTooLowException(null, settings.maxAccuracyMeters());
        }
        // Under ASSUME_CAP an unknown accuracy is exactly the cap: it passes here, and the radius
        // check below uses the point alone, as for any accuracy (accuracy never widens access).
        if (fix.accuracy() != null && fix.accuracy() > settings.maxAccuracyMeters()) {
            throw new AccuracyTooLowException(fix.accuracy(), settings.maxAccuracyMeters());
        }
    }

    /** Stage 4, fence: the point lies within {@code CHARGER_RADIUS_M} of the charger. */
    private GeofenceCheck checkFence(Charger charger, Fix fix) {
        GeofenceCheck fence = new Geofence(charger.location(), settings.chargerRadiusMeters())
                .check(fix.at(), fix.accuracy());
        if (!fence.inside()) {
            throw new OutsideRadiusException(fence.distanceMeters(), fence.radiusMeters());
        }
        return fence;
    }

    /**
     * Stage 5, commit: the new ACTIVE session, unless the driver already has one (the store keeps
     * one per driver, marking an expired one EXPIRED on the way); the only stage that writes.
     */
    private ExclusiveSession commit(Principal.Driver driver, ActivateRequest request, Place place, Fix fix,
                                    GeofenceCheck fence) {
        Instant now = context.now();
        ExclusiveSession candidate = new ExclusiveSession(UUID.randomUUID().toString(), driver.userId(),
                place.merchant().id(), place.merchant().placeId(), place.charger().id(), place.charger().placeId(),
                request.intentSessionId(), ExclusiveSessionStatus.ACTIVE, now, now.plus(settings.duration()), null,
                now, now, fix.at().lat(), fix.at().lng(), fix.accuracy(), fence.distanceMeters());
        ActivationOutcome outcome = sessions.activate(candidate, now);
        outcome.expired().forEach(this::expired);
        if (outcome.existing() != null) {
            throw new ActiveSessionExistsException(outcome.existing());
        }
        ExclusiveSession created = outcome.created();
        LOG.atInfo().setMessage("exclusive_activated")
                .addKeyValue("driver_id", LogValues.text(created.driverId()))
                .addKeyValue("exclusive_session_id", LogValues.text(created.id()))
                .addKeyValue("charger_id", LogValues.text(created.chargerId()))
                .addKeyValue("merchant_id", LogValues.text(created.merchantId()))
                .addKeyValue("distance_m", created.activationDistanceToChargerMeters())
                .addKeyValue("accuracy_m", created.activationAccuracyMeters())
                .addKeyValue("expires_at", created.expiresAt())
                .log();
        context.tell(l -> l.exclusiveSessionChanged(created));
        return created;
    }

    /**
     * Completes the calling driver's ACTIVE session.
     *
     * @param principal the caller; must be the session's driver
     * @param sessionId the session
     * @return the session, now COMPLETED
     * @throws ForbiddenException        for anyone but a driver
     * @throws InvalidRequestException   for a bad id
     * @throws NotFoundException         if unknown or another driver's
     * @throws NotActiveException        if it has ended, including when it is found past its expiry
     *                                   (it is then marked EXPIRED)
     * @throws StoreUnavailableException if the store fails
     */
    public ExclusiveSession complete(Principal principal, String sessionId) {
        return context.decide(DecisionKind.COMPLETION, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                return finish(principal, sessionId, ExclusiveSessionStatus.COMPLETED, "exclusive_completed");
            }
        });
    }

    /**
     * Cancels the calling driver's ACTIVE session.
     *
     * @param principal the caller; must be the session's driver
     * @param sessionId the session
     * @return the session, now CANCELED
     * @throws ForbiddenException        for anyone but a driver
     * @throws InvalidRequestException   for a bad id
     * @throws NotFoundException         if unknown or another driver's
     * @throws NotActiveException        if it has ended, including when it is found past its expiry
     *                                   (it is then marked EXPIRED)
     * @throws StoreUnavailableException if the store fails
     */
    public ExclusiveSession cancel(Principal principal, String sessionId) {
        return context.decide(DecisionKind.CANCEL, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                return finish(principal, sessionId, ExclusiveSessionStatus.CANCELED, "exclusive_canceled");
            }
        });
    }

    private ExclusiveSession finish(Principal principal, String sessionId, ExclusiveSessionStatus target,
                                    String eventName) {
        String verb = target == ExclusiveSessionStatus.COMPLETED ? "complete" : "cancel";
        Principal.Driver driver = Principal.requireDriver(principal, verb + " an exclusive session");
        Ids.require("exclusive_session_id", sessionId);
        FinishOutcome outcome = sessions.finish(sessionId, driver.userId(), target, context.now());
        if (outcome instanceof FinishOutcome.Finished f) {
            LOG.atInfo().setMessage(eventName)
                    .addKeyValue("driver_id", LogValues.text(driver.userId()))
                    .addKeyValue("exclusive_session_id", LogValues.text(sessionId))
                    .addKeyValue("charger_id", LogValues.text(f.session().chargerId()))
                    .addKeyValue("merchant_id", LogValues.text(f.session().merchantId()))
                    .log();
            context.tell(l -> l.exclusiveSessionChanged(f.session()));
            return f.session();
        }
        if (outcome instanceof FinishOutcome.Expired e) {
            expired(e.session());
            throw new NotActiveException(e.session());
        }
        if (outcome instanceof FinishOutcome.NotActive n) {
            throw new NotActiveException(n.session());
        }
        throw FleetgateException.notFound("exclusive session", sessionId);
    }

    /**
     * The calling driver's ACTIVE session, for polling after a refresh. A session found past its
     * expiry is marked EXPIRED and not returned.
     *
     * @param principal       the caller; must be a driver
     * @param includeExpired  when the driver has no ACTIVE session, return their most recent
     *                        session if it is EXPIRED (so a phone that slept learns why its offer
     *                        ended)
     * @return the session, or empty
     * @throws ForbiddenException        for anyone but a driver
     * @throws StoreUnavailableException if the store fails
     */
    public Optional<ExclusiveSession> active(Principal principal, boolean includeExpired) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Principal.Driver driver = Principal.requireDriver(principal, "look up exclusive sessions");
            Optional<ExclusiveSession> active = sessions.findActive(driver.userId());
            if (active.isPresent()) {
                ExclusiveSession s = active.get();
                Instant now = context.now();
                if (!s.isDueToExpire(now)) {
                    return active;
                }
                Optional<ExclusiveSession> expired = sessions.expire(s.id(), now);
                expired.ifPresent(this::expired);
                if (includeExpired && expired.isPresent()) {
                    return expired;
                }
            }
            if (!includeExpired) {
                return Optional.empty();
            }
            return sessions.findLatest(driver.userId())
                    .filter(latest -> latest.status() == ExclusiveSessionStatus.EXPIRED);
        }
    }

    /**
     * Marks sessions past their expiry EXPIRED, for hosts that run a sweeper besides the lazy
     * expiry. Safe to run on several instances at once.
     *
     * @param principal must be {@link Principal#system()}
     * @param limit     the most to change in this call, 1 to 10,000
     * @return the sessions marked EXPIRED
     * @throws ForbiddenException        for anyone but the system
     * @throws InvalidRequestException   for a limit out of range
     * @throws StoreUnavailableException if the store fails
     */
    public List<ExclusiveSession> expireDue(Principal principal, int limit) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            if (!(principal instanceof Principal.System)) {
                throw FleetgateException.forbidden("only the system sweeps expired sessions");
            }
            if (limit < 1 || limit > 10_000) {
                throw FleetgateException.invalid("limit", "must be between 1 and 10000");
            }
            List<ExclusiveSession> expired = sessions.expireDue(context.now(), limit);
            expired.forEach(this::expired);
            return expired;
        }
    }

    /** Logs and tells the listener of a session the store has just marked EXPIRED. */
    private void expired(ExclusiveSession s) {
        LOG.atInfo().setMessage("exclusive_expired")
                .addKeyValue("driver_id", LogValues.text(s.driverId()))
                .addKeyValue("exclusive_session_id", LogValues.text(s.id()))
                .addKeyValue("expires_at", s.expiresAt())
                .log();
        context.tell(l -> l.exclusiveSessionChanged(s));
    }
}
