package io.fleetgate.spi;

import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of exclusive sessions. Each method is one atomic unit; implementations enforce "one
 * ACTIVE session per driver" themselves (a database constraint in the JDBC store) so the rule
 * holds across many host instances. Methods never read a clock: callers pass {@code now}.
 * Implementations are thread-safe.
 */
public interface ExclusiveSessionRepository {

    /**
     * In one transaction: marks the driver's ACTIVE session EXPIRED if it is due at {@code now},
     * then inserts {@code candidate} unless the driver still has an ACTIVE session.
     *
     * @param candidate a new ACTIVE session
     * @param now       the decision's instant
     * @return the inserted session, or the existing ACTIVE one that blocked it
     */
    ActivationOutcome activate(ExclusiveSession candidate, Instant now);

    /**
     * {@return the driver's ACTIVE session, whether or not it is past its expiry}
     *
     * @param driverId a driver
     */
    Optional<ExclusiveSession> findActive(String driverId);

    /**
     * {@return the driver's most recently activated session of any status}
     *
     * @param driverId a driver
     */
    Optional<ExclusiveSession> findLatest(String driverId);

    /**
     * {@return the session of any status and any driver}
     *
     * @param sessionId a session id
     */
    Optional<ExclusiveSession> findById(String sessionId);

    /**
     * Marks one session EXPIRED if it is still ACTIVE and due at {@code now} (compare-and-set).
     *
     * @param sessionId the session
     * @param now       the decision's instant
     * @return the session after the change, or empty if it was not ACTIVE and due
     */
    Optional<ExclusiveSession> expire(String sessionId, Instant now);

    /**
     * Ends the driver's session: COMPLETED or CANCELED if it is ACTIVE and not due, EXPIRED if it
     * is ACTIVE but due, unchanged otherwise.
     *
     * @param sessionId the session
     * @param driverId  the driver who must own it
     * @param target    {@link ExclusiveSessionStatus#COMPLETED} or {@link ExclusiveSessionStatus#CANCELED}
     * @param now       the decision's instant
     * @return what was found and done
     */
    FinishOutcome finish(String sessionId, String driverId, ExclusiveSessionStatus target, Instant now);

    /**
     * Marks up to {@code limit} due ACTIVE sessions of any driver EXPIRED.
     *
     * @param now   the decision's instant
     * @param limit the most to change in this call, at least 1
     * @return the sessions after the change
     */
    List<ExclusiveSession> expireDue(Instant now, int limit);
}
