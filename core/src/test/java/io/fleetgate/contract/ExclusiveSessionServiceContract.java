package io.fleetgate.contract;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.ErrorCode;
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
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.LogSafety;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The behaviour of {@link ExclusiveSessionService} on a store; run against every store by a thin
 * subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class ExclusiveSessionServiceContract extends StoreContract {
    /** The seed's charger, in Austin. */
    protected static final Coordinate CHARGER_AT = Coordinate.of(30.2672, -97.7431);
    /** 0.001° of latitude north of the charger: about 111 m. */
    protected static final Coordinate NEAR = Coordinate.of(30.2682, -97.7431);
    /** 0.002° of latitude north of the charger: about 222 m. */
    protected static final Coordinate FAR = Coordinate.of(30.2692, -97.7431);

    protected TestClock clock;
    protected ExclusiveSessionService service;
    protected final Principal.Driver ana = Principal.driver("d_ana");
    protected final Principal.Driver ben = Principal.driver("d_ben");

    @BeforeEach
    void seedPlaces() {
        clock = TestClock.standard();
        service = serviceOn(store());
        store().places().upsertCharger(new Charger("ch_456", "gp_ch_456", CHARGER_AT));
        store().places().upsertMerchant(new Merchant("m_123", "gp_m_123", "Taco Stop"));
    }

    protected ExclusiveSessionService serviceOn(FleetgateStore s) {
        return TestFleetgates.on(s, clock, FleetgateSettings.defaults()).exclusive();
    }

    protected static ActivateRequest near() {
        return ActivateRequest.of("m_123", "ch_456", NEAR.lat(), NEAR.lng()).withAccuracy(12.5);
    }

    private static ActivateRequest nearWithoutAccuracy() {
        return ActivateRequest.of("m_123", "ch_456", NEAR.lat(), NEAR.lng());
    }

    // --- activation -------------------------------------------------------------------------

    @Test
    void activateWhenWithinRadiusThenActiveWithDistanceAndExpiry() {
        Instant t0 = clock.instant();
        ExclusiveSession s = service.activate(ana, near());

        assertThat(s.status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
        assertThat(s.driverId()).isEqualTo("d_ana");
        assertThat(s.merchantId()).isEqualTo("m_123");
        assertThat(s.merchantPlaceId()).isEqualTo("gp_m_123");
        assertThat(s.chargerId()).isEqualTo("ch_456");
        assertThat(s.chargerPlaceId()).isEqualTo("gp_ch_456");
        assertThat(s.activatedAt()).isEqualTo(t0);
        assertThat(s.expiresAt()).isEqualTo(t0.plus(Duration.ofMinutes(60)));
        assertThat(s.completedAt()).isNull();
        assertThat(s.activationLat()).isEqualTo(NEAR.lat());
        assertThat(s.activationLng()).isEqualTo(NEAR.lng());
        assertThat(s.activationAccuracyMeters()).isEqualTo(12.5);
        assertThat(s.activationDistanceToChargerMeters()).isCloseTo(111.2, within(0.5));
        assertThat(s.remainingSeconds(clock.instant())).isEqualTo(3600);
        assertThat(store().exclusiveSessions().findById(s.id())).contains(s);
    }

    @Test
    void activateWhenMerchantGivenByPlaceIdThenResolvesMerchant() {
        ExclusiveSession s = service.activate(ana,
                new ActivateRequest(null, "gp_m_123", "ch_456", NEAR.lat(), NEAR.lng(), null, "intent-1"));

        assertThat(s.merchantId()).isEqualTo("m_123");
        assertThat(s.intentSessionId()).isEqualTo("intent-1");
        assertThat(s.activationAccuracyMeters()).isNull();
        assertThat(store().exclusiveSessions().findById(s.id())).contains(s);
    }

    @Test
    void activateWhenOutsideRadiusThenRefusedWithDistanceAndNothingWritten() {
        String before = fixture().snapshot();

        assertThatThrownBy(() -> service.activate(ana, ActivateRequest.of("m_123", "ch_456", FAR.lat(), FAR.lng())))
                .isInstanceOfSatisfying(OutsideRadiusException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.OUTSIDE_RADIUS);
                    assertThat(e.distanceMeters()).isCloseTo(222.4, within(0.5));
                    assertThat(e.radiusMeters()).isEqualTo(150.0);
                    assertThat(e.details()).containsEntry("radius_m", 150.0).containsKey("distance_m");
                });
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void activateWhenAccuracyWorseThanCapThenRefusedButAtCapAccepted() {
        assertThatThrownBy(() -> service.activate(ana, near().withAccuracy(100.5)))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ACCURACY_TOO_LOW);
                    assertThat(e.details()).containsEntry("accuracy_m", 100.5).containsEntry("max_accuracy_m", 100.0);
                });
        assertThat(service.activate(ana, near().withAccuracy(100.0)).status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
    }

    @Test
    void activateWhenOutsideRadiusWithinAccuracyThenStillRefused() {
        // 160 m away with 50 m accuracy: the accuracy circle overlaps the fence, but accuracy
        // never widens access.
        Coordinate p = Coordinate.of(CHARGER_AT.lat() + 160 / 111_195.0, CHARGER_AT.lng());
        assertThatThrownBy(() -> service.activate(ana,
                ActivateRequest.of("m_123", "ch_456", p.lat(), p.lng()).withAccuracy(50.0)))
                .isInstanceOf(OutsideRadiusException.class);
    }

    @Test
    void activateWhenAlreadyActiveThenRefusedWithExistingSession() {
        ExclusiveSession first = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> service.activate(ana, near()))
                .isInstanceOfSatisfying(ActiveSessionExistsException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ACTIVE_SESSION_EXISTS);
                    assertThat(e.existing()).isEqualTo(first);
                    assertThat(e.details()).containsEntry("exclusive_session", first);
                });
    }

    @Test
    void activateWhenAnotherDriverIsActiveThenBothActive() {
        service.activate(ana, near());
        assertThat(service.activate(ben, near()).status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
    }

    @Test
    void activateWhenPreviousPastExpiryThenMarksItExpiredAndActivates() {
        ExclusiveSession first = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(60));

        ExclusiveSession second = service.activate(ana, near());

        assertThat(second.id()).isNotEqualTo(first.id());
        ExclusiveSession old = store().exclusiveSessions().findById(first.id()).orElseThrow();
        assertThat(old.status()).isEqualTo(ExclusiveSessionStatus.EXPIRED);
        assertThat(old.updatedAt()).isEqualTo(clock.instant());
        assertThat(old.completedAt()).isNull();
        assertThat(CapturedLogs.named("exclusive_expired", e -> first.id().equals(e.fields().get("exclusive_session_id"))))
                .hasSize(1);
    }

    @Test
    void activateWhenCompletedBeforeThenActivatesAgain() {
        ExclusiveSession first = service.activate(ana, near());
        service.complete(ana, first.id());
        assertThat(service.activate(ana, near()).status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
    }

    @Test
    void activateWhenUnknownChargerOrMerchantThenNotFound() {
        assertCode(() -> service.activate(ana, ActivateRequest.of("m_123", "ch_nope", NEAR.lat(), NEAR.lng())),
                ErrorCode.NOT_FOUND);
        assertCode(() -> service.activate(ana, ActivateRequest.of("m_nope", "ch_456", NEAR.lat(), NEAR.lng())),
                ErrorCode.NOT_FOUND);
        assertCode(() -> service.activate(ana,
                new ActivateRequest(null, "gp_nope", "ch_456", NEAR.lat(), NEAR.lng(), null, null)), ErrorCode.NOT_FOUND);
    }

    @Test
    void activateWhenNotADriverThenForbidden() {
        for (Principal p : List.of(Principal.supervisor("s_1", "ws_1"), Principal.member("m_1", "ws_1"),
                Principal.system())) {
            assertCode(() -> service.activate(p, near()), ErrorCode.FORBIDDEN);
        }
    }

    @Test
    void activateWhenSeveralRulesBrokenThenRefusedInDocumentedOrder() {
        service.activate(ana, near());
        // invalid beats unknown charger
        assertCode(() -> service.activate(ana, ActivateRequest.of("m_123", "ch_nope", 91, 0)), ErrorCode.INVALID_REQUEST);
        // unknown charger beats accuracy and radius
        assertCode(() -> service.activate(ana,
                ActivateRequest.of("m_123", "ch_nope", FAR.lat(), FAR.lng()).withAccuracy(500.0)), ErrorCode.NOT_FOUND);
        // accuracy beats radius
        assertCode(() -> service.activate(ana,
                ActivateRequest.of("m_123", "ch_456", FAR.lat(), FAR.lng()).withAccuracy(500.0)), ErrorCode.ACCURACY_TOO_LOW);
        // radius beats already active
        assertCode(() -> service.activate(ana, ActivateRequest.of("m_123", "ch_456", FAR.lat(), FAR.lng())),
                ErrorCode.OUTSIDE_RADIUS);
        assertCode(() -> service.activate(ana, near()), ErrorCode.ACTIVE_SESSION_EXISTS);
    }

    @Test
    void activateWhenAccuracyUnknownThenByDefaultTakenAsTheCapAndAccepted() {
        ExclusiveSession s = service.activate(ana, nearWithoutAccuracy());
        assertThat(s.status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
        assertThat(s.activationAccuracyMeters()).as("what was reported is stored: nothing").isNull();
    }

    @Test
    void activateWhenAccuracyUnknownAndSettingRefusesThenAccuracyTooLowAndNothingWritten() {
        ExclusiveSessionService strict = TestFleetgates.on(store(), clock, FleetgateSettings.fromEnv(java.util.Map.of("UNKNOWN_ACCURACY", "refuse"))).exclusive();
        String before = fixture().snapshot();
        assertThatThrownBy(() -> strict.activate(ana, nearWithoutAccuracy()))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ACCURACY_TOO_LOW);
                    assertThat(e.details()).containsEntry("max_accuracy_m", 100.0).doesNotContainKey("accuracy_m");
                    assertThat(e.getMessage()).contains("unknown");
                });
        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(strict.activate(ana, near().withAccuracy(100.0)).status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
    }

    @Test
    void activateWhenCustomRadiusAndDurationThenApplied() {
        ExclusiveSessionService strict = TestFleetgates.on(store(), clock, FleetgateSettings.defaults().withExclusive(e -> e.withChargerRadiusMeters(100)).withExclusive(e -> e.withDuration(Duration.ofMinutes(5)))).exclusive();
        assertCode(() -> strict.activate(ana, near()), ErrorCode.OUTSIDE_RADIUS);
        ExclusiveSession s = strict.activate(ana,
                ActivateRequest.of("m_123", "ch_456", CHARGER_AT.lat(), CHARGER_AT.lng()));
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(s.activationDistanceToChargerMeters()).isEqualTo(0.0);
    }

    @Test
    void activateWhenIdsHoldSqlMetacharactersAndUnicodeThenStoredVerbatim() {
        String chargerId = "ch'; DROP TABLE exclusive_sessions;--";
        String merchantId = "m_\"café\" 🚗 \\ %_";
        store().places().upsertCharger(new Charger(chargerId, null, CHARGER_AT));
        store().places().upsertMerchant(new Merchant(merchantId, "p' OR '1'='1", "Bobby \"Tables\""));
        Principal.Driver odd = Principal.driver("d_' OR 1=1 --");

        ExclusiveSession s = service.activate(odd, ActivateRequest.of(merchantId, chargerId, NEAR.lat(), NEAR.lng()));

        ExclusiveSession stored = store().exclusiveSessions().findById(s.id()).orElseThrow();
        assertThat(stored.chargerId()).isEqualTo(chargerId);
        assertThat(stored.merchantId()).isEqualTo(merchantId);
        assertThat(stored.merchantPlaceId()).isEqualTo("p' OR '1'='1");
        assertThat(stored.driverId()).isEqualTo("d_' OR 1=1 --");
        assertThat(service.active(odd, false)).contains(stored);
        assertThat(service.active(ana, false)).isEmpty();
    }

    static Stream<Arguments> malformedRequests() {
        double lat = NEAR.lat();
        double lng = NEAR.lng();
        return Stream.of(
                Arguments.of("no charger id", new ActivateRequest("m_123", null, null, lat, lng, null, null), "charger_id"),
                Arguments.of("blank charger id", new ActivateRequest("m_123", null, "  ", lat, lng, null, null), "charger_id"),
                Arguments.of("charger id too long",
                        new ActivateRequest("m_123", null, "c".repeat(65), lat, lng, null, null), "charger_id"),
                Arguments.of("no merchant of either kind",
                        new ActivateRequest(null, null, "ch_456", lat, lng, null, null), "merchant_id"),
                Arguments.of("blank merchant id", new ActivateRequest("", null, "ch_456", lat, lng, null, null), "merchant_id"),
                Arguments.of("blank merchant place id",
                        new ActivateRequest(null, " ", "ch_456", lat, lng, null, null), "merchant_place_id"),
                Arguments.of("merchant place id of another merchant",
                        new ActivateRequest("m_123", "gp_other", "ch_456", lat, lng, null, null), "merchant_place_id"),
                Arguments.of("control character in id",
                        new ActivateRequest("m_123", null, "ch\u0000456", lat, lng, null, null), "charger_id"),
                Arguments.of("intent session id too long",
                        new ActivateRequest("m_123", null, "ch_456", lat, lng, null, "i".repeat(65)), "intent_session_id"),
                Arguments.of("NaN latitude", new ActivateRequest("m_123", null, "ch_456", Double.NaN, lng, null, null), "lat"),
                Arguments.of("infinite longitude",
                        new ActivateRequest("m_123", null, "ch_456", lat, Double.POSITIVE_INFINITY, null, null), "lng"),
                Arguments.of("latitude above 90", new ActivateRequest("m_123", null, "ch_456", 90.5, lng, null, null), "lat"),
                Arguments.of("latitude below -90", new ActivateRequest("m_123", null, "ch_456", -91, lng, null, null), "lat"),
                Arguments.of("longitude above 180", new ActivateRequest("m_123", null, "ch_456", lat, 180.01, null, null), "lng"),
                Arguments.of("longitude below -180", new ActivateRequest("m_123", null, "ch_456", lat, -181, null, null), "lng"),
                Arguments.of("negative accuracy", new ActivateRequest("m_123", null, "ch_456", lat, lng, -1.0, null), "accuracy_m"),
                Arguments.of("NaN accuracy", new ActivateRequest("m_123", null, "ch_456", lat, lng, Double.NaN, null), "accuracy_m"),
                Arguments.of("infinite accuracy",
                        new ActivateRequest("m_123", null, "ch_456", lat, lng, Double.POSITIVE_INFINITY, null), "accuracy_m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void activateWhenRequestMalformedThenInvalidNamingFieldAndNothingWritten(String why, ActivateRequest request,
                                                                            String field) {
        String before = fixture().snapshot();

        assertThatThrownBy(() -> service.activate(ana, request))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.details()).containsEntry("field", field);
                });
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    // --- complete and cancel ----------------------------------------------------------------

    @Test
    void completeWhenActiveThenCompletedWithTimestamp() {
        ExclusiveSession s = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(10));

        ExclusiveSession done = service.complete(ana, s.id());

        assertThat(done.status()).isEqualTo(ExclusiveSessionStatus.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(clock.instant());
        assertThat(done.updatedAt()).isEqualTo(clock.instant());
        assertThat(store().exclusiveSessions().findById(s.id())).contains(done);
        assertThat(service.active(ana, false)).isEmpty();
    }

    @Test
    void cancelWhenActiveThenCanceledWithoutCompletionTime() {
        ExclusiveSession s = service.activate(ana, near());

        ExclusiveSession canceled = service.cancel(ana, s.id());

        assertThat(canceled.status()).isEqualTo(ExclusiveSessionStatus.CANCELED);
        assertThat(canceled.completedAt()).isNull();
        assertThat(store().exclusiveSessions().findById(s.id())).contains(canceled);
    }

    @Test
    void completeWhenAnotherDriversSessionThenNotFoundAndUnchanged() {
        ExclusiveSession s = service.activate(ana, near());

        assertCode(() -> service.complete(ben, s.id()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.cancel(ben, s.id()), ErrorCode.NOT_FOUND);
        assertThat(store().exclusiveSessions().findById(s.id())).contains(s);
    }

    @Test
    void completeWhenUnknownIdThenNotFound() {
        assertCode(() -> service.complete(ana, "no-such-session"), ErrorCode.NOT_FOUND);
    }

    @Test
    void completeWhenAlreadyEndedThenNotActive() {
        ExclusiveSession s = service.activate(ana, near());
        service.complete(ana, s.id());

        assertThatThrownBy(() -> service.complete(ana, s.id()))
                .isInstanceOfSatisfying(NotActiveException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_ACTIVE);
                    assertThat(e.session().status()).isEqualTo(ExclusiveSessionStatus.COMPLETED);
                });
        assertCode(() -> service.cancel(ana, s.id()), ErrorCode.NOT_ACTIVE);
    }

    @Test
    void completeWhenPastExpiryThenMarkedExpiredAndNotActive() {
        ExclusiveSession s = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(61));

        assertThatThrownBy(() -> service.complete(ana, s.id()))
                .isInstanceOfSatisfying(NotActiveException.class,
                        e -> assertThat(e.session().status()).isEqualTo(ExclusiveSessionStatus.EXPIRED));
        assertThat(store().exclusiveSessions().findById(s.id()).orElseThrow().status())
                .isEqualTo(ExclusiveSessionStatus.EXPIRED);
    }

    @Test
    void completeWhenNotADriverOrBadIdThenRefused() {
        ExclusiveSession s = service.activate(ana, near());
        assertCode(() -> service.complete(Principal.supervisor("s_1", "ws_1"), s.id()), ErrorCode.FORBIDDEN);
        assertCode(() -> service.complete(ana, " "), ErrorCode.INVALID_REQUEST);
    }

    // --- active lookup and expiry -----------------------------------------------------------

    @Test
    void activeWhenNoneThenEmpty() {
        assertThat(service.active(ana, false)).isEmpty();
        assertThat(service.active(ana, true)).isEmpty();
    }

    @Test
    void activeWhenActiveThenReturnedWithRemainingTime() {
        ExclusiveSession s = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(15));

        Optional<ExclusiveSession> active = service.active(ana, false);

        assertThat(active).contains(s);
        assertThat(active.orElseThrow().remainingSeconds(clock.instant())).isEqualTo(45 * 60);
    }

    @Test
    void activeWhenPastExpiryThenMarkedExpiredAndNotReturned() {
        Principal.Driver eve = Principal.driver("d_eve_" + System.nanoTime());
        ExclusiveSession s = service.activate(eve, near());
        clock.advance(Duration.ofMinutes(60));

        assertThat(service.active(eve, false)).isEmpty();
        assertThat(store().exclusiveSessions().findById(s.id()).orElseThrow().status())
                .isEqualTo(ExclusiveSessionStatus.EXPIRED);
        assertThat(CapturedLogs.forDriver("exclusive_expired", eve.userId())).hasSize(1);
    }

    @Test
    void activeWithIncludeExpiredWhenLatestExpiredThenReturnsIt() {
        ExclusiveSession s = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(90));

        Optional<ExclusiveSession> found = service.active(ana, true);

        assertThat(found).isPresent();
        assertThat(found.get().id()).isEqualTo(s.id());
        assertThat(found.get().status()).isEqualTo(ExclusiveSessionStatus.EXPIRED);
        assertThat(service.active(ana, true)).isEqualTo(found);
    }

    @Test
    void activeWithIncludeExpiredWhenLatestCompletedThenEmpty() {
        ExclusiveSession first = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(61));
        service.active(ana, false); // marks the first one EXPIRED
        ExclusiveSession second = service.activate(ana, near());
        service.complete(ana, second.id());

        assertThat(service.active(ana, true)).isEmpty();
        assertThat(store().exclusiveSessions().findLatest("d_ana").orElseThrow().id()).isEqualTo(second.id());
        assertThat(store().exclusiveSessions().findById(first.id()).orElseThrow().status())
                .isEqualTo(ExclusiveSessionStatus.EXPIRED);
    }

    @Test
    void expireDueWhenSomeDueThenMarksOnlyThoseUpToLimit() {
        ExclusiveSession a = service.activate(ana, near());
        clock.advance(Duration.ofMinutes(30));
        ExclusiveSession b = service.activate(ben, near());
        ExclusiveSession c = service.activate(Principal.driver("d_cat"), near());
        clock.advance(Duration.ofMinutes(31)); // a is due, b and c are not

        List<ExclusiveSession> expired = service.expireDue(Principal.system(), 10);

        assertThat(expired).extracting(ExclusiveSession::id).containsExactly(a.id());
        assertThat(expired.get(0).status()).isEqualTo(ExclusiveSessionStatus.EXPIRED);
        clock.advance(Duration.ofMinutes(30)); // b and c are due now
        assertThat(service.expireDue(Principal.system(), 1)).hasSize(1);
        assertThat(service.expireDue(Principal.system(), 1)).hasSize(1);
        assertThat(service.expireDue(Principal.system(), 1)).isEmpty();
        assertThat(store().exclusiveSessions().findById(b.id()).orElseThrow().status())
                .isEqualTo(ExclusiveSessionStatus.EXPIRED);
        assertThat(store().exclusiveSessions().findById(c.id()).orElseThrow().status())
                .isEqualTo(ExclusiveSessionStatus.EXPIRED);
    }

    @Test
    void expireDueWhenNotSystemOrBadLimitThenRefused() {
        assertCode(() -> service.expireDue(ana, 10), ErrorCode.FORBIDDEN);
        assertCode(() -> service.expireDue(Principal.system(), 0), ErrorCode.INVALID_REQUEST);
    }

    // --- structured logging -----------------------------------------------------------------

    @Test
    void logWhenActivatedCompletedCanceledAndBlockedThenEventsCarryTheirFields() {
        Principal.Driver dan = Principal.driver("d_log_" + System.nanoTime());
        ExclusiveSession s = service.activate(dan, near());
        assertCode(() -> service.activate(dan, ActivateRequest.of("m_123", "ch_456", FAR.lat(), FAR.lng())),
                ErrorCode.OUTSIDE_RADIUS);
        assertCode(() -> service.activate(dan, near()), ErrorCode.ACTIVE_SESSION_EXISTS);
        service.complete(dan, s.id());
        ExclusiveSession t = service.activate(dan, near());
        service.cancel(dan, t.id());

        List<CapturedLogs.Event> activated = CapturedLogs.forDriver("exclusive_activated", dan.userId());
        assertThat(activated).hasSize(2);
        assertThat(activated.get(0).fields())
                .containsEntry("exclusive_session_id", s.id())
                .containsEntry("charger_id", "ch_456")
                .containsEntry("merchant_id", "m_123")
                .containsEntry("expires_at", s.expiresAt())
                .containsKey("distance_m");

        List<CapturedLogs.Event> blocked = CapturedLogs.forDriver("exclusive_activation_blocked", dan.userId());
        assertThat(blocked).extracting(e -> e.fields().get("reason"))
                .containsExactly("OUTSIDE_RADIUS", "ACTIVE_SESSION_EXISTS");
        assertThat(blocked.get(0).fields()).containsEntry("radius_m", 150.0).containsKey("distance_m");
        assertThat(blocked.get(1).fields()).containsEntry("exclusive_session", s.id());

        assertThat(CapturedLogs.forDriver("exclusive_completed", dan.userId()))
                .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("exclusive_session_id", s.id()));
        assertThat(CapturedLogs.forDriver("exclusive_canceled", dan.userId()))
                .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("exclusive_session_id", t.id()));
    }

    @Test
    void logWhenClientValuesHoldLineBreaksControlsAndNonCharactersThenEveryLoggedValueIsEscaped() {
        String chargerId = "ch_" + LogSafety.HOSTILE_ID;
        String merchantId = "m_" + LogSafety.HOSTILE_ID;
        store().places().upsertCharger(new Charger(chargerId, "gp_" + chargerId, CHARGER_AT));
        store().places().upsertMerchant(new Merchant(merchantId, "gp_" + merchantId, "Hostile\r\nTacos"));
        Principal.Driver hostile = Principal.driver("d_" + LogSafety.HOSTILE_ID);
        int mark = CapturedLogs.count();

        ExclusiveSession s = service.activate(hostile, ActivateRequest.of(merchantId, chargerId, NEAR.lat(), NEAR.lng()));
        service.complete(hostile, s.id());
        assertCode(() -> service.activate(hostile, ActivateRequest.of(merchantId, LogSafety.HOSTILE_TEXT, NEAR.lat(),
                NEAR.lng())), ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.activate(hostile, ActivateRequest.of(LogSafety.HOSTILE_TEXT, chargerId, NEAR.lat(),
                NEAR.lng())), ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.activate(hostile, ActivateRequest.of(merchantId, "ch_nope_" + LogSafety.HOSTILE_ID,
                NEAR.lat(), NEAR.lng())), ErrorCode.NOT_FOUND);

        List<CapturedLogs.Event> logged = CapturedLogs.since(mark);
        assertThat(logged).extracting(CapturedLogs.Event::name)
                .contains("exclusive_activated", "exclusive_completed", "exclusive_activation_blocked");
        LogSafety.assertPlain(logged);
        assertThat(logged).filteredOn(e -> e.name().equals("exclusive_activated")).singleElement().satisfies(e -> assertThat(e.fields())
                .containsEntry("charger_id", LogValues.text(chargerId)).containsEntry("merchant_id", LogValues.text(merchantId))
                .containsEntry("driver_id", LogValues.text(hostile.userId())));
    }

    // --- concurrency ------------------------------------------------------------------------

    @Test
    void activateWhen32ThreadsOnTwoInstancesRaceForOneDriverThenExactlyOneActive() throws Exception {
        ExclusiveSessionService two = serviceOn(fixture().secondInstance());
        int threads = 32;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                ExclusiveSessionService svc = i % 2 == 0 ? service : two;
                Callable<Object> call = () -> {
                    start.await();
                    try {
                        return svc.activate(ana, near());
                    } catch (FleetgateException e) {
                        return e;
                    }
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            List<ExclusiveSession> won = outcomes.stream()
                    .filter(ExclusiveSession.class::isInstance).map(ExclusiveSession.class::cast).toList();
            assertThat(won).hasSize(1);
            assertThat(outcomes).filteredOn(o -> !(o instanceof ExclusiveSession))
                    .hasSize(threads - 1)
                    .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(ActiveSessionExistsException.class,
                            e -> assertThat(e.existing().id()).isEqualTo(won.get(0).id())));
            assertThat(store().exclusiveSessions().findActive("d_ana").map(ExclusiveSession::id))
                    .contains(won.get(0).id());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void expireDueWhenEightSweepersOnTwoInstancesAtOnceThenEveryDueSessionExpiresExactlyOnce() throws Exception {
        ExclusiveSessionService two = serviceOn(fixture().secondInstance());
        List<String> due = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            due.add(service.activate(Principal.driver("d_sweep_" + i), near()).id());
        }
        clock.advance(Duration.ofMinutes(61));
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                ExclusiveSessionService svc = i % 2 == 0 ? service : two;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    for (List<ExclusiveSession> page = svc.expireDue(Principal.system(), 2); !page.isEmpty();
                         page = svc.expireDue(Principal.system(), 2)) {
                        assertThat(page).hasSizeLessThanOrEqualTo(2)
                                .allSatisfy(x -> assertThat(x.status()).isEqualTo(ExclusiveSessionStatus.EXPIRED));
                        page.forEach(x -> mine.add(x.id()));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<String> reported = new ArrayList<>();
            for (Future<List<String>> f : results) {
                reported.addAll(f.get(60, TimeUnit.SECONDS));
            }
            // each due session reported by exactly one sweeper, none left ACTIVE
            assertThat(reported).containsExactlyInAnyOrderElementsOf(due);
            assertThat(due).allSatisfy(id -> assertThat(store().exclusiveSessions().findById(id).orElseThrow().status())
                    .isEqualTo(ExclusiveSessionStatus.EXPIRED));
        } finally {
            pool.shutdownNow();
        }
    }

    protected static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
