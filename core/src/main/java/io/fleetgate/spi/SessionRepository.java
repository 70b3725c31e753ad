package io.fleetgate.spi;

import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.InvalidationReason;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Storage of device sessions. The store allows at most one session per user that has not been
 * invalidated (a partial unique index in the database). Methods never read a clock.
 * Implementations are thread-safe.
 */
public interface SessionRepository {

    /**
     * {@return the user's session that has not been invalidated (it may have timed out)}
     *
     * @param userId a user
     */
    Optional<DeviceSession> findCurrent(String userId);

    /**
     * {@return the sessions of these users that have not been invalidated, one per user at most}
     * (the status board's page, in one read). This default calls {@link #findCurrent(String)} for
     * each.
     *
     * @param userIds users (a page of the board: at most a few hundred)
     */
    default List<DeviceSession> findCurrentSessions(Collection<String> userIds) {
        List<DeviceSession> out = new ArrayList<>();
        for (String u : userIds) {
            findCurrent(u).ifPresent(out::add);
        }
        return out;
    }

    /**
     * {@return the session whose current token it is, of any state}
     *
     * @param tokenHash hex SHA-256 of a token
     */
    Optional<DeviceSession> findByTokenHash(String tokenHash);

    /**
     * {@return the session, of any state}
     *
     * @param sessionId a session id
     */
    Optional<DeviceSession> findById(String sessionId);

    /**
     * In one transaction: invalidates {@code currentId} (if given, and only if it is still not
     * invalidated) with {@code reason}, then inserts {@code next}.
     *
     * @param currentId the user's current session, or {@code null} if there is none
     * @param reason    why it ends
     * @param next      the new session
     * @param now       the change's instant
     * @return false if the current session changed meanwhile or another session was inserted
     *         (nothing written)
     */
    boolean replace(String currentId, InvalidationReason reason, DeviceSession next, Instant now);

    /**
     * Compare-and-set of the token: the old token stops working at once.
     *
     * @param sessionId    the session
     * @param oldTokenHash the hash the caller presented
     * @param newTokenHash the new hash
     * @param now          the change's instant (also counts as activity)
     * @return false if the token changed meanwhile or the session was invalidated
     */
    boolean rotateToken(String sessionId, String oldTokenHash, String newTokenHash, Instant now);

    /**
     * Records activity if the last one is older than {@code staleBefore}.
     *
     * @param sessionId   the session
     * @param now         the activity's instant
     * @param staleBefore write only if {@code last_active_at} is before this
     * @return whether a write happened
     */
    boolean touch(String sessionId, Instant now, Instant staleBefore);

    /**
     * {@return false if it was already invalidated}
     *
     * @param sessionId the session
     * @param reason    why it ends
     * @param now       the change's instant
     */
    boolean invalidate(String sessionId, InvalidationReason reason, Instant now);
}
