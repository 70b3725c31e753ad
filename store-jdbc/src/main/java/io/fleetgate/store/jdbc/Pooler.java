package io.fleetgate.store.jdbc;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What sits between a PostgreSQL store and the server ({@link JdbcStore.Builder#pooler(Pooler)}).
 * At build the store checks the setting against the connection it gets: a connection whose
 * backend process id, as the server announced it at connect, is not the one that runs its
 * statements ({@code pg_backend_pid()}) goes through a pooler, and {@link #NONE} is then refused
 * with a message naming the fix. SQLite has no pooler: anything but {@link #NONE} is refused there.
 */
public enum Pooler {
    /**
     * A direct connection to PostgreSQL (the default). The store uses server-side prepared
     * statements as the driver chooses and one long-lived pool connection {@code LISTEN}s for the
     * change feed. Refused at build if the connection turns out to go through a pooler.
     */
    NONE,
    /**
     * A pooler that gives each client connection its own server connection for the client's whole
     * session (PgBouncer {@code pool_mode = session}, most cloud proxies): everything works as on
     * a direct connection; this setting only says that the pooler is there, so the start-up check
     * lets it pass.
     */
    SESSION,
    /**
     * A pooler that lends a server connection for one transaction only (PgBouncer
     * {@code pool_mode = transaction}): nothing may outlive a transaction on the server side.
     * What changes:
     * <ul>
     *   <li>no server-side prepared statements: the store's own pool sets the driver's
     *       {@code prepareThreshold=0} (a URL that asks for another value is refused at build, and so
     *       is a host's {@link JdbcStore.Builder#dataSource data source} whose connections prepare
     *       on the server);</li>
     *   <li>{@code currentSchema} in the URL is not sent to the pooler (PgBouncer before 1.20
     *       refuses the startup parameter, later ones drop it unless told to track it): the
     *       store's own pools take it out of the URL and set {@code search_path} with
     *       {@code set_config(…, true)}, local to each transaction, as the first statement of every
     *       transaction (a statement in auto-commit mode runs in a transaction of its own for it);
     *       </li>
     *   <li>the change feed cannot {@code LISTEN} through the pooler (a notification goes to
     *       whichever client holds the server connection when it arrives): with
     *       {@link JdbcStore.Builder#listenUrl(String)} one connection straight to the server
     *       listens; without it the store's watch tells every watcher "any workspace" every
     *       {@link JdbcStore.Builder#changePollInterval(java.time.Duration) change poll interval}
     *       (1 s by default), so each reader looks at its feed's head that often.</li>
     * </ul>
     * Everything else the store does already keeps to one transaction: the principal is set with
     * {@code set_config(…, true)}, advisory locks are {@code pg_advisory_xact_lock}, the migration
     * lock is a row, and no temporary table is used.
     */
    TRANSACTION;

    /** The values' names, as {@link #parse} accepts them. */
    public static final String NAMES = Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));

    /**
     * {@return the pooler named}
     *
     * @param setting the setting's name, for the message (e.g. {@code FLEETGATE_PG_POOLER})
     * @param value   {@code none}, {@code session} or {@code transaction}, in any case
     * @throws IllegalArgumentException naming the setting and the valid values otherwise (the value
     *                                  itself is not repeated: it may be anything)
     */
    public static Pooler parse(String setting, String value) {
        if (value != null) {
            for (Pooler p : values()) {
                if (p.name().equalsIgnoreCase(value.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(setting + " must be one of " + NAMES);
    }
}
