package io.fleetgate.store.jdbc.internal;

import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.session.UserCredential;
import io.fleetgate.spi.AttemptSubject;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.LoginAttempts;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link CredentialRepository} on a JDBC database: tables {@code user_credentials} and
 * {@code login_attempts}.
 *
 * <p>Reserving a login attempt (per username in {@code login_attempts}, per source in
 * {@code login_source_attempts}) is one atomic statement, {@code INSERT … ON CONFLICT DO UPDATE
 * SET … RETURNING}: the database locks the row while it applies the rule (refuse, changing
 * nothing, while locked; otherwise count, restarting a lapsed count at 1, and lock on reaching the
 * limit) and the returned {@code granted} column says whether this statement counted. So
 * reservations arriving at once on any number of host instances are serialised by the row lock,
 * and at most the limit is granted per window. The instants the rule compares with
 * ({@code now - window}, the lock's end) are computed here and bound as parameters, which keeps
 * the SQL free of interval arithmetic and identical on PostgreSQL and SQLite; a progressive lock
 * is then lengthened by a second, conditional {@code UPDATE} ({@link #extendLock}).
 *
 * <p>Enrolment is one statement, {@code INSERT … ON CONFLICT (user_id) DO NOTHING}: a taken user
 * id returns no row, and a taken username key is a unique violation (SQLSTATE 23505, SQLite's
 * {@code SQLITE_CONSTRAINT_UNIQUE}); both mean "taken". Naming the primary key as the conflict
 * target matters on SQLite, which reports a duplicate primary key as
 * {@code SQLITE_CONSTRAINT_PRIMARYKEY}, a code {@link SqlDialect#isUniqueViolation} does not (and
 * should not) accept. The statement runs on its own, outside any larger transaction, because a
 * failed statement aborts a PostgreSQL transaction. Thread-safe.
 */
public final class JdbcCredentialRepository implements CredentialRepository {
    private final Tx tx;
    private final String insertUser;
    private final String findByUsernameKey;
    private final String findByUserId;
    private final String updatePinHash;
    private final Map<AttemptSubject, String> findAttempts = new EnumMap<>(AttemptSubject.class);
    private final Map<AttemptSubject, String> reserveAttempt = new EnumMap<>(AttemptSubject.class);
    private final Map<AttemptSubject, String> extendLock = new EnumMap<>(AttemptSubject.class);
    private final Map<AttemptSubject, String> releaseAttempt = new EnumMap<>(AttemptSubject.class);
    private final String clearAttempts;
    private final String insertAudit;
    private final String findAudit;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcCredentialRepository(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.insertUser = SqlFiles.statement(d, "credentials/insert_user");
        this.findByUsernameKey = SqlFiles.statement(d, "credentials/find_by_username_key");
        this.findByUserId = SqlFiles.statement(d, "credentials/find_by_user_id");
        this.updatePinHash = SqlFiles.statement(d, "credentials/update_pin_hash");
        this.findAttempts.put(AttemptSubject.USERNAME, SqlFiles.statement(d, "credentials/find_attempts"));
        this.findAttempts.put(AttemptSubject.SOURCE, SqlFiles.statement(d, "credentials/find_source_attempts"));
        this.reserveAttempt.put(AttemptSubject.USERNAME, SqlFiles.statement(d, "credentials/reserve_attempt"));
        this.reserveAttempt.put(AttemptSubject.SOURCE, SqlFiles.statement(d, "credentials/reserve_source_attempt"));
        this.extendLock.put(AttemptSubject.USERNAME, SqlFiles.statement(d, "credentials/extend_lock"));
        this.extendLock.put(AttemptSubject.SOURCE, SqlFiles.statement(d, "credentials/extend_source_lock"));
        this.releaseAttempt.put(AttemptSubject.USERNAME, SqlFiles.statement(d, "credentials/release_attempt"));
        this.releaseAttempt.put(AttemptSubject.SOURCE, SqlFiles.statement(d, "credentials/release_source_attempt"));
        this.clearAttempts = SqlFiles.statement(d, "credentials/clear_attempts");
        this.insertAudit = SqlFiles.statement(d, "credentials/insert_security_audit");
        this.findAudit = SqlFiles.statement(d, "credentials/find_security_audit");
    }

    /**
     * {@inheritDoc}
     *
     * <p>A unique violation of the username key is the answer "taken", not an error; any other
     * failure propagates.
     */
    @Override
    public boolean insertUser(UserCredential user) {
        Objects.requireNonNull(user, "user");
        return tx.unlessUniqueViolation(() -> tx.read(h -> h.createUpdate(insertUser)
                .bind("user_id", user.userId())
                .bind("username", user.username())
                .bind("username_key", user.usernameKey())
                .bind("pin_hash", user.pinHash())
                .bind("created_at", user.createdAt())
                .bind("updated_at", user.updatedAt())
                .execute() == 1), () -> false);
    }

    @Override
    public Optional<UserCredential> findByUsernameKey(String usernameKey) {
        return tx.read(h -> h.createQuery(findByUsernameKey).bind("username_key", usernameKey)
                .mapTo(UserCredential.class).findOne());
    }

    @Override
    public Optional<UserCredential> findByUserId(String userId) {
        return tx.read(h -> h.createQuery(findByUserId).bind("user_id", userId).mapTo(UserCredential.class).findOne());
    }

    @Override
    public boolean updatePinHash(String userId, String pinHash, Instant now) {
        return tx.read(h -> h.createUpdate(updatePinHash)
                .bind("user_id", userId)
                .bind("pin_hash", pinHash)
                .bind("now", now)
                .execute() == 1);
    }

    @Override
    public Optional<LoginAttempts> findAttempts(AttemptSubject subject, String key) {
        return tx.read(h -> h.createQuery(findAttempts.get(subject)).bind("key", key).mapTo(LoginAttempts.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code INSERT … ON CONFLICT DO UPDATE … RETURNING} statement; see the class comment.
     * Like every single-statement change here it runs as {@link Tx#read} does (auto-commit on
     * SQLite, one principal-bound transaction on PostgreSQL): the statement is atomic by itself.
     */
    @Override
    public Reservation reserveAttempt(AttemptSubject subject, String key, Instant now, int maxAttempts,
                                      Duration window, Instant lockEnd) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(lockEnd, "lockEnd");
        return tx.read(h -> h.createQuery(reserveAttempt.get(subject))
                .bind("key", key)
                .bind("now", now)
                .bind("window_start", now.minus(window))
                .bind("lock_end", lockEnd)
                .bind("max_attempts", maxAttempts)
                .mapTo(Reservation.class)
                .one());
    }

    @Override
    public void extendLock(AttemptSubject subject, String key, int lockCount, Instant lockedUntil) {
        tx.read(h -> h.createUpdate(extendLock.get(subject)).bind("key", key).bind("lock_count", lockCount)
                .bind("locked_until", lockedUntil).execute());
    }

    @Override
    public void releaseAttempt(AttemptSubject subject, String key, Instant firstAttemptAt) {
        tx.read(h -> h.createUpdate(releaseAttempt.get(subject)).bind("key", key)
                .bind("first_failed_at", firstAttemptAt).execute());
    }

    @Override
    public void clearAttempts(String usernameKey) {
        tx.read(h -> h.createUpdate(clearAttempts).bind("username_key", usernameKey).execute());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: the delete and the audit rows commit together or not at all.
     */
    @Override
    public void unlock(String usernameKey, List<SecurityAuditEntry> audit) {
        tx.write(h -> {
            h.createUpdate(clearAttempts).bind("username_key", usernameKey).execute();
            for (SecurityAuditEntry e : audit) {
                h.createUpdate(insertAudit)
                        .bind("id", e.id())
                        .bind("workspace_id", e.workspaceId())
                        .bind("actor_id", e.actorId())
                        .bind("action", e.action())
                        .bind("user_id", e.userId())
                        .bind("at", e.at())
                        .execute();
            }
            return null;
        });
    }

    @Override
    public List<SecurityAuditEntry> findSecurityAudit(String workspaceId) {
        return tx.read(h -> h.createQuery(findAudit).bind("workspace_id", workspaceId).mapTo(SecurityAuditEntry.class).list());
    }
}
