package io.fleetgate.store.jdbc.internal;

import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.spi.ActivationOutcome;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.FinishOutcome;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link ExclusiveSessionRepository} on a JDBC database.
 *
 * <p>Activation inserts first and asks questions after: {@code INSERT … ON CONFLICT (driver_id)
 * WHERE status = 'ACTIVE' DO NOTHING} succeeds in one statement in the common case, and the
 * partial unique index decides races between instances. Only when it conflicts does the
 * transaction read the blocking session; if that one is past its expiry it is marked EXPIRED (a
 * partial-index predicate cannot use {@code now()}) and the insert is tried again. Completion is a
 * single compare-and-set {@code UPDATE … WHERE status = 'ACTIVE'}. Rows map through the store's
 * registered row mappers ({@link Rows}). Thread-safe.
 */
public final class JdbcExclusiveSessionRepository implements ExclusiveSessionRepository {
    private static final int ROUNDS = 4;

    private final Tx tx;
    private final String insert;
    private final String findActive;
    private final String findLatest;
    private final String findById;
    private final String findForDriver;
    private final String expire;
    private final String finish;
    private final String expireDue;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcExclusiveSessionRepository(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.insert = SqlFiles.statement(d, "exclusive/insert");
        this.findActive = SqlFiles.statement(d, "exclusive/find_active");
        this.findLatest = SqlFiles.statement(d, "exclusive/find_latest");
        this.findById = SqlFiles.statement(d, "exclusive/find_by_id");
        this.findForDriver = SqlFiles.statement(d, "exclusive/find_for_driver");
        this.expire = SqlFiles.statement(d, "exclusive/expire");
        this.finish = SqlFiles.statement(d, "exclusive/finish");
        this.expireDue = SqlFiles.statement(d, "exclusive/expire_due");
    }

    @Override
    public ActivationOutcome activate(ExclusiveSession s, Instant now) {
        return tx.write(h -> {
            List<ExclusiveSession> expired = new ArrayList<>(1);
            for (int round = 0; round < ROUNDS; round++) {
                Optional<ExclusiveSession> created = insert(h, s);
                if (created.isPresent()) {
                    return new ActivationOutcome(created.get(), null, expired);
                }
                Optional<ExclusiveSession> existing = findActive(h, s.driverId());
                if (existing.isEmpty()) {
                    continue; // it ended between our insert and our read; try again
                }
                if (!existing.get().isDueToExpire(now)) {
                    return new ActivationOutcome(null, existing.get(), expired);
                }
                expire(h, existing.get().id(), now).ifPresent(expired::add);
            }
            throw new StoreUnavailableException(
                    "activation kept racing with other sessions of driver " + s.driverId() + "; retry");
        }, h -> h.createQuery(findById).bind("id", s.id()).mapTo(ExclusiveSession.class).findOne() // connection lost while committing
                .map(created -> new ActivationOutcome(created, null, List.of())).orElse(null));
    }

    private Optional<ExclusiveSession> insert(Handle h, ExclusiveSession s) {
        return h.createQuery(insert)
                .bind("id", s.id())
                .bind("driver_id", s.driverId())
                .bind("merchant_id", s.merchantId())
                .bind("merchant_place_id", s.merchantPlaceId())
                .bind("charger_id", s.chargerId())
                .bind("charger_place_id", s.chargerPlaceId())
                .bind("intent_session_id", s.intentSessionId())
                .bind("activated_at", s.activatedAt())
                .bind("expires_at", s.expiresAt())
                .bind("created_at", s.createdAt())
                .bind("updated_at", s.updatedAt())
                .bind("activation_lat", s.activationLat())
                .bind("activation_lng", s.activationLng())
                .bind("activation_accuracy_m", s.activationAccuracyMeters())
                .bind("activation_distance_to_charger_m", s.activationDistanceToChargerMeters())
                .mapTo(ExclusiveSession.class)
                .findOne();
    }

    private Optional<ExclusiveSession> findActive(Handle h, String driverId) {
        return h.createQuery(findActive).bind("driver_id", driverId).mapTo(ExclusiveSession.class).findOne();
    }

    private Optional<ExclusiveSession> expire(Handle h, String id, Instant now) {
        return h.createQuery(expire).bind("id", id).bind("now", now).mapTo(ExclusiveSession.class).findOne();
    }

    @Override
    public Optional<ExclusiveSession> findActive(String driverId) {
        return tx.read(h -> findActive(h, driverId));
    }

    @Override
    public Optional<ExclusiveSession> findLatest(String driverId) {
        return tx.read(h -> h.createQuery(findLatest).bind("driver_id", driverId).mapTo(ExclusiveSession.class).findOne());
    }

    @Override
    public Optional<ExclusiveSession> findById(String sessionId) {
        return tx.read(h -> h.createQuery(findById).bind("id", sessionId).mapTo(ExclusiveSession.class).findOne());
    }

    @Override
    public Optional<ExclusiveSession> expire(String sessionId, Instant now) {
        return tx.read(h -> expire(h, sessionId, now));
    }

    @Override
    public FinishOutcome finish(String sessionId, String driverId, ExclusiveSessionStatus target, Instant now) {
        if (target != ExclusiveSessionStatus.COMPLETED && target != ExclusiveSessionStatus.CANCELED) {
            throw new IllegalArgumentException("target must be COMPLETED or CANCELED, got " + target);
        }
        return tx.read(h -> {
            Optional<ExclusiveSession> changed = h.createQuery(finish)
                    .bind("id", sessionId)
                    .bind("driver_id", driverId)
                    .bind("target", target)
                    .bind("now", now)
                    .mapTo(ExclusiveSession.class)
                    .findOne();
            if (changed.isPresent()) {
                ExclusiveSession s = changed.get();
                return s.status() == ExclusiveSessionStatus.EXPIRED
                        ? new FinishOutcome.Expired(s) : new FinishOutcome.Finished(s);
            }
            return h.createQuery(findForDriver).bind("id", sessionId).bind("driver_id", driverId)
                    .mapTo(ExclusiveSession.class).findOne()
                    .<FinishOutcome>map(FinishOutcome.NotActive::new)
                    .orElseGet(FinishOutcome.NotFound::new);
        });
    }

    @Override
    public List<ExclusiveSession> expireDue(Instant now, int limit) {
        return tx.read(h -> h.createQuery(expireDue).bind("now", now).bind("limit", limit)
                .mapTo(ExclusiveSession.class).list());
    }
}
