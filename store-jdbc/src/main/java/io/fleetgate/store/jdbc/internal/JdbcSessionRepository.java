package io.fleetgate.store.jdbc.internal;

import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.InvalidationReason;
import io.fleetgate.spi.SessionRepository;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SessionRepository} on a JDBC database: table {@code driver_sessions}, whose partial unique
 * index {@code ux_driver_sessions_one_current} on {@code (user_id) WHERE invalidated_at IS NULL}
 * allows one current session per user.
 *
 * <p>Every change is a compare-and-set the database decides:
 * <ul>
 *   <li>{@link #replace} runs in one transaction: {@code UPDATE … WHERE id = :id AND
 *       invalidated_at IS NULL} ends the caller's current session (no row: it changed meanwhile),
 *       then {@code INSERT … ON CONFLICT (user_id) WHERE invalidated_at IS NULL DO NOTHING} adds
 *       the new one (no row: another instance inserted a current session first). Either miss rolls
 *       the transaction back and answers false, so nothing is written. Under PostgreSQL's READ
 *       COMMITTED the index, not a read, decides: an insert racing ours either waits for us and
 *       then conflicts, or commits first and makes ours conflict — never two current sessions. A
 *       deadlock between two such replacements is retried by {@link Tx}.</li>
 *   <li>{@link #rotateToken}, {@link #touch} and {@link #invalidate} are single {@code UPDATE}s
 *       whose {@code WHERE} holds the condition (old token, staleness, still current).</li>
 * </ul>
 * Thread-safe.
 */
public final class JdbcSessionRepository implements SessionRepository {
    private final Tx tx;
    private final String findCurrent;
    private final String findCurrentOf;
    private final String findByTokenHash;
    private final String findById;
    private final String insert;
    private final String invalidate;
    private final String rotateToken;
    private final String touch;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcSessionRepository(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.findCurrent = SqlFiles.statement(d, "sessions/find_current");
        this.findCurrentOf = SqlFiles.statement(d, "sessions/find_current_of");
        this.findByTokenHash = SqlFiles.statement(d, "sessions/find_by_token_hash");
        this.findById = SqlFiles.statement(d, "sessions/find_by_id");
        this.insert = SqlFiles.statement(d, "sessions/insert");
        this.invalidate = SqlFiles.statement(d, "sessions/invalidate");
        this.rotateToken = SqlFiles.statement(d, "sessions/rotate_token");
        this.touch = SqlFiles.statement(d, "sessions/touch");
    }

    @Override
    public Optional<DeviceSession> findCurrent(String userId) {
        return tx.read(h -> h.createQuery(findCurrent).bind("user_id", userId).mapTo(DeviceSession.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement per {@value Chunks#SIZE} users, in one transaction, on the one-current index.
     */
    @Override
    public List<DeviceSession> findCurrentSessions(Collection<String> userIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(userIds));
        if (ids.isEmpty()) {
            return List.of();
        }
        return tx.read(h -> {
            List<DeviceSession> out = new ArrayList<>();
            for (List<String> chunk : Chunks.of(ids)) {
                out.addAll(h.createQuery(findCurrentOf).bindList("ids", chunk).mapTo(DeviceSession.class).list());
            }
            return out;
        });
    }

    @Override
    public Optional<DeviceSession> findByTokenHash(String tokenHash) {
        return tx.read(h -> h.createQuery(findByTokenHash).bind("token_hash", tokenHash).mapTo(DeviceSession.class).findOne());
    }

    @Override
    public Optional<DeviceSession> findById(String sessionId) {
        return tx.read(h -> h.createQuery(findById).bind("id", sessionId).mapTo(DeviceSession.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction of two compare-and-set statements; see the class comment.
     */
    @Override
    public boolean replace(String currentId, InvalidationReason reason, DeviceSession next, Instant now) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(now, "now");
        if (currentId != null) {
            Objects.requireNonNull(reason, "reason");
        }
        try {
            return tx.write(h -> {
                if (currentId != null && invalidate(h, currentId, reason, now) == 0) {
                    throw Tx.Undo.INSTANCE;
                }
                int inserted = h.createUpdate(insert)
                        .bind("id", next.id())
                        .bind("user_id", next.userId())
                        .bind("device_id", next.deviceId())
                        .bind("token_hash", next.tokenHash())
                        .bind("created_at", next.createdAt())
                        .bind("last_active_at", next.lastActiveAt())
                        .bind("expires_at", next.expiresAt())
                        .execute();
                if (inserted == 0) {
                    throw Tx.Undo.INSTANCE;
                }
                return true;
            });
        } catch (Tx.Undo lost) {
            return false;
        }
    }

    @Override
    public boolean rotateToken(String sessionId, String oldTokenHash, String newTokenHash, Instant now) {
        return tx.read(h -> h.createUpdate(rotateToken)
                .bind("id", sessionId)
                .bind("old_token_hash", oldTokenHash)
                .bind("new_token_hash", newTokenHash)
                .bind("now", now)
                .execute() == 1);
    }

    @Override
    public boolean touch(String sessionId, Instant now, Instant staleBefore) {
        return tx.read(h -> h.createUpdate(touch)
                .bind("id", sessionId)
                .bind("now", now)
                .bind("stale_before", staleBefore)
                .execute() == 1);
    }

    @Override
    public boolean invalidate(String sessionId, InvalidationReason reason, Instant now) {
        Objects.requireNonNull(reason, "reason");
        return tx.read(h -> invalidate(h, sessionId, reason, now) == 1);
    }

    private int invalidate(Handle h, String sessionId, InvalidationReason reason, Instant now) {
        return h.createUpdate(invalidate)
                .bind("id", sessionId)
                .bind("reason", reason)
                .bind("now", now)
                .execute();
    }
}
