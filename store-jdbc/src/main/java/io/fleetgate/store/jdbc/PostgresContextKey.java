package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.store.jdbc.internal.PostgresDialect;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.store.jdbc.internal.SqlFiles;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The key that makes a PostgreSQL transaction's principal unforgeable (migration V8), held in
 * memory only.
 *
 * <p>The row-level security policies believe the one transaction-local setting
 * {@value #SETTING} only when it carries an HMAC-SHA256, under this key, of the principal and the
 * instant it was issued, and only within 60 seconds of the transaction's start by the database's
 * clock. Migration V8 generates the key inside the database, where only the schema's owner can read
 * it. {@link JdbcStore} reads it once and binds every transaction itself; a host that runs its own
 * SQL on the library's tables (a benchmark baseline, an operator's check) reads it with
 * {@link #read(Connection)} over an owner connection and begins each of its transactions with
 * {@link #bind}. Whoever holds it can act as any principal, the system included: keep it out of
 * logs, files and heap dumps as you would the owner's password.
 *
 * <p>Immutable and thread-safe; {@link #toString()} does not show the key.
 */
public final class PostgresContextKey {
    /** The setting every transaction sets, once, as its first statement. */
    public static final String SETTING = "fleetgate.context";
    private static final int KEY_BYTES = 64;
    private static final HexFormat HEX = HexFormat.of();
    private static final String READ = SqlFiles.statement(SqlDialect.of(Dialect.POSTGRES), "context/read_key");
    private static final String BIND = SqlFiles.statement(SqlDialect.of(Dialect.POSTGRES), "context/bind");

    private final SecretKeySpec key;

    private PostgresContextKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException("the context key must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * {@return the key of the connection's current schema}
     *
     * @param owner a connection as the schema's owner (only it can read the key)
     * @throws SQLException if the key cannot be read: not the owner (permission denied), or the
     *                      schema lacks migration V8
     */
    public static PostgresContextKey read(Connection owner) throws SQLException {
        Objects.requireNonNull(owner, "owner");
        try (PreparedStatement st = owner.prepareStatement(READ); ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("fleetgate_context_key holds no key: migration V8 did not finish");
            }
            return new PostgresContextKey(rs.getBytes(1));
        }
    }

    /**
     * {@return the value of {@value #SETTING} that names this principal, issued at that instant}
     *
     * @param principal the acting principal
     * @param issuedAt  now, by a clock that agrees with the database's within a few seconds
     */
    public String context(Principal principal, Instant issuedAt) {
        PostgresDialect.AccessSettings s = PostgresDialect.settings(principal);
        String payload = "v1|" + s.role() + "|" + issuedAt.toEpochMilli() + "|"
                + HEX.formatHex(s.userId().getBytes(StandardCharsets.UTF_8)) + "|"
                + HEX.formatHex(s.workspaceId().getBytes(StandardCharsets.UTF_8));
        return payload + "|" + HEX.formatHex(mac(payload));
    }

    /**
     * Sets {@value #SETTING} for the rest of the connection's current transaction (it must not be
     * in auto-commit mode, or the setting ends with this statement).
     *
     * @param connection a PostgreSQL connection inside a transaction
     * @param principal  the acting principal
     * @param issuedAt   now, as for {@link #context}
     * @throws SQLException if the statement fails
     */
    public void bind(Connection connection, Principal principal, Instant issuedAt) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(BIND)) {
            st.setString(1, context(principal, issuedAt));
            st.executeQuery().close();
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** {@return a description that does not show the key} */
    @Override
    public String toString() {
        return "PostgresContextKey[hidden]";
    }
}
