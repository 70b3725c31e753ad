package io.fleetgate.store.jdbc.internal;

import io.fleetgate.session.CredentialRepository;
import io.fleetgate.session.LoginAttempts;
import io.fleetgate.session.UserCredential;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link CredentialRepository} on a JDBC database: tables {@code user_credentials} and
 * {@code login_attempts}.
 *
 * <p>Counting a failed login is one atomic statement, {@code INSERT … ON CONFLICT (username_key)
 * DO UPDATE SET … RETURNING *}: the database locks the row while it applies the rule (a count whose
 * window has passed, or whose lock has ended, restarts at 1; reaching the limit sets the lock), so
 * failures arriving at once on any number of host instances are all counted and none is lost to a
 * read-modify-write race. The instants the rule compares with ({@code now - lockout},
 * {@code now + lockout}) are computed here and bound as parameters, which keeps the SQL free of
 * interval arithmetic and identical on PostgreSQL and SQLite.
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
    private final SqlDialect d;
    private final RowMapper<UserCredential> userMapper;
    private final RowMapper<LoginAttempts> attemptsMapper;
    private final String insertUser;
    private final String findByUsernameKey;
    private final String findByUserId;
    private final String updatePinHash;
    private final String findAttempts;
    private final String recordFailure;
    private final String clearAttempts;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcCredentialRepository(Tx tx) {
        this.tx = tx;
        this.d = tx.dialect();
        this.userMapper = (rs, ctx) -> new UserCredential(
                rs.getString("user_id"),
                rs.getString("username"),
                rs.getString("username_key"),
                rs.getString("pin_hash"),
                d.instant(rs, "created_at"),
                d.instant(rs, "updated_at"));
        this.attemptsMapper = (rs, ctx) -> new LoginAttempts(
                rs.getString("username_key"),
                rs.getInt("failed_count"),
                d.instant(rs, "first_failed_at"),
                d.instant(rs, "locked_until"));
        this.insertUser = SqlFiles.statement(d, "credentials/insert_user");
        this.findByUsernameKey = SqlFiles.statement(d, "credentials/find_by_username_key");
        this.findByUserId = SqlFiles.statement(d, "credentials/find_by_user_id");
        this.updatePinHash = SqlFiles.statement(d, "credentials/update_pin_hash");
        this.findAttempts = SqlFiles.statement(d, "credentials/find_attempts");
        this.recordFailure = SqlFiles.statement(d, "credentials/record_failure");
        this.clearAttempts = SqlFiles.statement(d, "credentials/clear_attempts");
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
        try {
            return tx.read(h -> h.createUpdate(insertUser)
                    .bind("user_id", user.userId())
                    .bind("username", user.username())
                    .bind("username_key", user.usernameKey())
                    .bind("pin_hash", user.pinHash())
                    .bind("created_at", d.instant(user.createdAt()))
                    .bind("updated_at", d.instant(user.updatedAt()))
                    .execute() == 1);
        } catch (RuntimeException e) {
            if (tx.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<UserCredential> findByUsernameKey(String usernameKey) {
        return tx.read(h -> h.createQuery(findByUsernameKey).bind("username_key", usernameKey)
                .map(userMapper).findOne());
    }

    @Override
    public Optional<UserCredential> findByUserId(String userId) {
        return tx.read(h -> h.createQuery(findByUserId).bind("user_id", userId).map(userMapper).findOne());
    }

    @Override
    public boolean updatePinHash(String userId, String pinHash, Instant now) {
        return tx.read(h -> h.createUpdate(updatePinHash)
                .bind("user_id", userId)
                .bind("pin_hash", pinHash)
                .bind("now", d.instant(now))
                .execute() == 1);
    }

    @Override
    public Optional<LoginAttempts> findAttempts(String usernameKey) {
        return tx.read(h -> h.createQuery(findAttempts).bind("username_key", usernameKey)
                .map(attemptsMapper).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code INSERT … ON CONFLICT DO UPDATE} statement; see the class comment.
     */
    @Override
    public LoginAttempts recordFailure(String usernameKey, Instant now, int maxAttempts, Duration lockout) {
        Objects.requireNonNull(usernameKey, "usernameKey");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lockout, "lockout");
        return tx.read(h -> h.createQuery(recordFailure)
                .bind("username_key", usernameKey)
                .bind("now", d.instant(now))
                .bind("window_start", d.instant(now.minus(lockout)))
                .bind("lock_end", d.instant(now.plus(lockout)))
                .bind("max_attempts", maxAttempts)
                .map(attemptsMapper)
                .one());
    }

    @Override
    public void clearAttempts(String usernameKey) {
        tx.read(h -> h.createUpdate(clearAttempts).bind("username_key", usernameKey).execute());
    }
}
