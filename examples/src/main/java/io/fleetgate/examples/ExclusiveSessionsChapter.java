package io.fleetgate.examples;

import io.fleetgate.Principal;
import io.fleetgate.error.AccuracyTooLowException;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.NotActiveException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The exclusive-session story: two drivers at one charger, a refusal for each rule, a completion
 * and an expiry. Every code printed is the one the library returned or threw, and every sentence
 * is built from that outcome, so the story shows what happened rather than what was meant to.
 * Not thread-safe; used once.
 */
final class ExclusiveSessionsChapter implements Chapter {
    static final Charger CHARGER = new Charger("ch_456", "gp_ch_456", Coordinate.of(30.2672, -97.7431));
    static final Merchant TACO_STOP = new Merchant("m_123", "gp_m_123", "Taco Stop");

    private static final Principal.Driver ANA = Principal.driver("ana");
    private static final Principal.Driver BEN = Principal.driver("ben");
    private static final double METRES_PER_DEGREE_OF_LATITUDE = Geo.EARTH_RADIUS_M * Math.PI / 180;

    private final Stage stage;
    private final Narrator say;
    private final ExclusiveSessionService sessions;

    /** @param stage the store, clock and narrator to use */
    ExclusiveSessionsChapter(Stage stage) {
        this.stage = stage;
        this.say = stage.narrator();
        this.sessions = stage.fleetgate().exclusive();
    }

    @Override
    public String title() {
        return "exclusive sessions at an EV charger";
    }

    @Override
    public void tell() {
        sessions.upsertCharger(Principal.system(), CHARGER);
        sessions.upsertMerchant(Principal.system(), TACO_STOP);

        String anas = activate("ana activates", ANA, 111, 8).orElseThrow().id();
        activate("ben activates", BEN, 222, 10);
        activate("ana tries again", ANA, 111, 8);
        stage.clock().advance(Duration.ofMinutes(10));
        poll("ana", ANA, false);
        complete("ana completes", ANA, anas);
        activate("ben activates from closer with a poor GPS fix", BEN, 60, 250);
        String bens = activate("ben tries again with a good fix", BEN, 60, 12).orElseThrow().id();
        pass(Duration.ofMinutes(61));
        poll("ben", BEN, true);
        complete("ben tries to complete", BEN, bens);
    }

    /**
     * One activation attempt from a point due north of the charger.
     *
     * @return the session if one was activated
     */
    private Optional<ExclusiveSession> activate(String action, Principal.Driver driver, double metresNorth,
                                                double accuracyMeters) {
        Coordinate at = northOfCharger(metresNorth);
        ActivateRequest request = ActivateRequest.of(TACO_STOP.id(), CHARGER.id(), at.lat(), at.lng())
                .withAccuracy(accuracyMeters);
        try {
            ExclusiveSession s = sessions.activate(driver, request);
            say.step(s.status(), format("%s at %s for %s, %.0f m away; expires %s (%d s left)", action,
                    s.chargerId(), merchantName(s), s.activationDistanceToChargerMeters(),
                    Narrator.time(s.expiresAt()), s.remainingSeconds(stage.clock().instant())));
            return Optional.of(s);
        } catch (FleetgateException e) {
            say.step(e.code(), action + " and is refused: " + reason(e));
            return Optional.empty();
        }
    }

    private static String reason(FleetgateException e) {
        if (e instanceof OutsideRadiusException o) {
            return format("%.0f m from %s, must be within %.0f m", o.distanceMeters(), CHARGER.id(), o.radiusMeters());
        }
        if (e instanceof AccuracyTooLowException) {
            return format("accuracy %.0f m, must be %.0f m or better",
                    e.details().get("accuracy_m"), e.details().get("max_accuracy_m"));
        }
        if (e instanceof ActiveSessionExistsException a) {
            return "session " + Narrator.shortId(a.existing().id()) + " is still active";
        }
        return e.getMessage();
    }

    /** The driver's app asks for the current session, as it does after a refresh or a sleep. */
    private void poll(String who, Principal.Driver driver, boolean includeExpired) {
        String asked = who + " polls at " + Narrator.time(stage.clock().instant())
                + (includeExpired ? " with include_expired" : "");
        Optional<ExclusiveSession> found = sessions.active(driver, includeExpired);
        if (found.isEmpty()) {
            say.step("-", asked + ": no session");
            return;
        }
        ExclusiveSession s = found.get();
        String session = "session " + Narrator.shortId(s.id());
        if (s.status() == ExclusiveSessionStatus.ACTIVE) {
            long left = s.remainingSeconds(stage.clock().instant());
            say.step(s.status(), asked + ": " + session + ", " + left + " s left");
        } else if (s.status() == ExclusiveSessionStatus.EXPIRED) {
            say.step(s.status(), asked + ": " + session + " expired at " + Narrator.time(s.expiresAt()));
        } else {
            say.step(s.status(), asked + ": " + session + " is " + s.status());
        }
    }

    private void complete(String action, Principal.Driver driver, String sessionId) {
        String what = action + " session " + Narrator.shortId(sessionId);
        try {
            ExclusiveSession s = sessions.complete(driver, sessionId);
            say.step(s.status(), what + " at " + merchantName(s));
        } catch (NotActiveException e) {
            say.step(e.code(), what + " and is refused: it is " + e.session().status());
        } catch (FleetgateException e) {
            say.step(e.code(), what + " and is refused: " + e.getMessage());
        }
    }

    private void pass(Duration amount) {
        stage.clock().advance(amount);
        say.aside(amount.toMinutes() + " minutes pass; it is now " + Narrator.time(stage.clock().instant()));
    }

    private String merchantName(ExclusiveSession s) {
        return sessions.merchant(s.merchantId()).map(Merchant::name).orElse(s.merchantId());
    }

    private static Coordinate northOfCharger(double metres) {
        Coordinate c = CHARGER.location();
        return Coordinate.of(c.lat() + metres / METRES_PER_DEGREE_OF_LATITUDE, c.lng());
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
