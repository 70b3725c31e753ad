package io.fleetgate;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The tunable rules, one immutable record per concern: {@link #exclusive()} (exclusive sessions at
 * chargers), {@link #login()} (lockouts and PIN hashing), {@link #sync()} (driver events: timestamps,
 * signatures, review flags) and {@link #sessions()} (device sessions and their signing secret).
 * Thread-safe.
 *
 * <p>Start from {@link #defaults()} and change a concern with a {@code with…} method, or read
 * everything from a map of names to text with {@link #fromEnv(Map)} (hosts pass
 * {@code System.getenv()}; the library never reads the environment itself):
 *
 * <pre>{@code
 * FleetgateSettings settings = FleetgateSettings.defaults()
 *         .withExclusive(e -> e.withChargerRadiusMeters(200).withDuration(Duration.ofMinutes(30)))
 *         .withLogin(l -> l.withMaxAttempts(3));
 * }</pre>
 *
 * <p>One naming rule: a number carries its unit in its name ({@code chargerRadiusMeters},
 * {@code maxSpeedKmh}); a duration is a {@link Duration} and carries none ({@code lockout},
 * {@code idleTimeout}); a count is plain ({@code maxAttempts}). Environment names keep the
 * contract's spelling, with the unit as a suffix ({@code CHARGER_RADIUS_M},
 * {@code LOGIN_LOCKOUT_MIN}). Every invalid value is refused with an
 * {@link IllegalArgumentException} naming the parameter and the setting. The table of every
 * setting, its default and meaning is {@link #environmentTable()}, published as
 * {@code docs/settings.md}.
 */
public final class FleetgateSettings {
    /** {@link ExclusiveSettings#chargerRadiusMeters()}. */
    public static final String CHARGER_RADIUS_M = "CHARGER_RADIUS_M";
    /** {@link ExclusiveSettings#duration()}, in minutes. */
    public static final String EXCLUSIVE_DURATION_MIN = "EXCLUSIVE_DURATION_MIN";
    /** {@link ExclusiveSettings#maxAccuracyMeters()}. */
    public static final String MAX_ACCURACY_M = "MAX_ACCURACY_M";
    /** {@link ExclusiveSettings#unknownAccuracy()}: {@code assume_cap} or {@code refuse}. */
    public static final String UNKNOWN_ACCURACY = "UNKNOWN_ACCURACY";
    /** {@link SyncSettings#futureTolerance()}, in seconds. */
    public static final String EVENT_FUTURE_TOLERANCE_S = "EVENT_FUTURE_TOLERANCE_S";
    /** {@link SyncSettings#maxOfflineAge()}, in hours. */
    public static final String EVENT_MAX_OFFLINE_AGE_H = "EVENT_MAX_OFFLINE_AGE_H";
    /** {@link SyncSettings#sessionSkew()}, in seconds. */
    public static final String EVENT_SESSION_SKEW_S = "EVENT_SESSION_SKEW_S";
    /** {@link SyncSettings#maxSpeedKmh()}. */
    public static final String MAX_SPEED_KMH = "MAX_SPEED_KMH";
    /** {@link SessionSettings#idleTimeout()}, in minutes. */
    public static final String SESSION_IDLE_TIMEOUT_MIN = "SESSION_IDLE_TIMEOUT_MIN";
    /** {@link SessionSettings#maxAge()}, in hours. */
    public static final String SESSION_MAX_AGE_H = "SESSION_MAX_AGE_H";
    /** {@link SessionSettings#signingSecret()}, base64. */
    public static final String SIGNING_SECRET = "FLEETGATE_SIGNING_SECRET";
    /** {@link LoginSettings#maxAttempts()}. */
    public static final String LOGIN_MAX_ATTEMPTS = "LOGIN_MAX_ATTEMPTS";
    /** {@link LoginSettings#lockout()}, in minutes. */
    public static final String LOGIN_LOCKOUT_MIN = "LOGIN_LOCKOUT_MIN";
    /** {@link LoginSettings#lockoutMax()}, in minutes. */
    public static final String LOGIN_LOCKOUT_MAX_MIN = "LOGIN_LOCKOUT_MAX_MIN";
    /** {@link LoginSettings#sourceMaxAttempts()}. */
    public static final String LOGIN_SOURCE_MAX_ATTEMPTS = "LOGIN_SOURCE_MAX_ATTEMPTS";
    /** {@link LoginSettings#hashConcurrency()}. */
    public static final String LOGIN_HASH_CONCURRENCY = "LOGIN_HASH_CONCURRENCY";
    /** {@link LoginSettings#hashQueue()}. */
    public static final String LOGIN_HASH_QUEUE = "LOGIN_HASH_QUEUE";
    /** {@link LoginSettings#pinHashIterations()}. */
    public static final String PIN_HASH_ITERATIONS = "PIN_HASH_ITERATIONS";
    /** {@link LoginSettings#pinPepper()}, base64. */
    public static final String PIN_PEPPER = "FLEETGATE_PIN_PEPPER";
    /** {@link StopSettings#failureReasons()}. */
    public static final String STOP_FAILURE_REASONS = "STOP_FAILURE_REASONS";
    /** {@link StopSettings#maxProofsPerStop()}. */
    public static final String STOP_MAX_PROOFS = "STOP_MAX_PROOFS";
    /** Environment name of {@link PositionSettings#maxFixAccuracyMeters()}. */
    public static final String FIX_MAX_ACCURACY_M = "FIX_MAX_ACCURACY_M";
    /** Environment name of {@link PositionSettings#confirmFixes()}. */
    public static final String ARRIVAL_CONFIRM_FIXES = "ARRIVAL_CONFIRM_FIXES";
    /** Environment name of {@link PositionSettings#confirmDwell()}. */
    public static final String ARRIVAL_CONFIRM_DWELL_S = "ARRIVAL_CONFIRM_DWELL_S";
    /** Environment name of {@link PositionSettings#confirmWindow()}. */
    public static final String ARRIVAL_WINDOW_S = "ARRIVAL_WINDOW_S";
    /** Environment name of {@link PositionSettings#exitFactor()}. */
    public static final String EXIT_RADIUS_FACTOR = "EXIT_RADIUS_FACTOR";
    /** Environment name of {@link PositionSettings#quietAfter()}. */
    public static final String QUIET_AFTER_MIN = "QUIET_AFTER_MIN";
    /** Environment name of {@link PositionSettings#excursionGap()}. */
    public static final String EXCURSION_GAP_S = "EXCURSION_GAP_S";
    /** Environment name of {@link PositionSettings#retention()}. */
    public static final String FIX_RETENTION_D = "FIX_RETENTION_D";
    /** Environment name of {@link #changeRetention()}. */
    public static final String CHANGE_RETENTION_D = "CHANGE_RETENTION_D";

    /**
     * One environment setting: its name, the concern it belongs to, its default and meaning as
     * documented, and how its text changes the settings.
     */
    private record Env(String name, String concern, String defaultText, String meaning,
                       BiFunction<FleetgateSettings, String, FleetgateSettings> apply) {
    }

    /** Every setting, in the order documented. The one place the environment is described. */
    private static final List<Env> ENVIRONMENT = List.of(
            new Env(CHARGER_RADIUS_M, "exclusive", "150", "how close to a charger (metres) a driver must be to activate",
                    (s, t) -> s.withExclusive(e -> e.withChargerRadiusMeters(decimal(t)))),
            new Env(EXCLUSIVE_DURATION_MIN, "exclusive", "60", "how long an exclusive session lasts (1 to 1440 minutes)",
                    (s, t) -> s.withExclusive(e -> e.withDuration(Duration.ofMinutes(whole(t))))),
            new Env(MAX_ACCURACY_M, "exclusive", "100", "the worst reported GPS accuracy (metres) accepted for activation",
                    (s, t) -> s.withExclusive(e -> e.withMaxAccuracyMeters(decimal(t)))),
            new Env(UNKNOWN_ACCURACY, "exclusive", "assume_cap", "an activation without `accuracy_m`: `assume_cap` takes"
                    + " it as exactly the cap (accepted, as the original contract allows), `refuse` answers"
                    + " `ACCURACY_TOO_LOW`",
                    (s, t) -> s.withExclusive(e -> e.withUnknownAccuracy(ExclusiveSettings.UnknownAccuracy.parse(t)))),
            new Env(LOGIN_MAX_ATTEMPTS, "login", "5", "wrong PINs for one username (known or not) within the window"
                    + " that lock it (1 to 100)",
                    (s, t) -> s.withLogin(l -> l.withMaxAttempts(Math.toIntExact(whole(t))))),
            new Env(LOGIN_LOCKOUT_MIN, "login", "15", "how long a first lock lasts, and the window attempts are counted"
                    + " in (minutes)",
                    (s, t) -> s.withLogin(l -> l.withLockout(Duration.ofMinutes(whole(t))))),
            new Env(LOGIN_LOCKOUT_MAX_MIN, "login", "1440", "the longest lock: each new lock of a name or source"
                    + " doubles the last, up to this (minutes)",
                    (s, t) -> s.withLogin(l -> l.withLockoutMax(Duration.ofMinutes(whole(t))))),
            new Env(LOGIN_SOURCE_MAX_ATTEMPTS, "login", "30", "wrong PINs from one source (client address) within the"
                    + " window that lock the source, whatever the usernames",
                    (s, t) -> s.withLogin(l -> l.withSourceMaxAttempts(Math.toIntExact(whole(t))))),
            new Env(LOGIN_HASH_CONCURRENCY, "login", "processors − 1 (at least 1)", "PIN hashes one instance computes"
                    + " at once",
                    (s, t) -> s.withLogin(l -> l.withHashConcurrency(Math.toIntExact(whole(t))))),
            new Env(LOGIN_HASH_QUEUE, "login", "8", "logins that may wait for a hashing slot; beyond it a login is"
                    + " refused at once (`TOO_MANY_ATTEMPTS`, reason `login_busy`)",
                    (s, t) -> s.withLogin(l -> l.withHashQueue(Math.toIntExact(whole(t))))),
            new Env(PIN_HASH_ITERATIONS, "login", "600000", "PBKDF2-HMAC-SHA256 iterations for new PIN hashes (older"
                    + " hashes are renewed at login)",
                    (s, t) -> s.withLogin(l -> l.withPinHashIterations(Math.toIntExact(whole(t))))),
            new Env(PIN_PEPPER, "login", "none", "base64 secret (16+ bytes) mixed into PIN hashes; keep it outside the"
                    + " database",
                    (s, t) -> s.withLogin(l -> l.withPinPepper(base64(PIN_PEPPER, t)))),
            new Env(EVENT_FUTURE_TOLERANCE_S, "sync", "300", "how far ahead of the server clock an event's"
                    + " `recorded_at` may be (seconds)",
                    (s, t) -> s.withSync(y -> y.withFutureTolerance(Duration.ofSeconds(whole(t))))),
            new Env(EVENT_MAX_OFFLINE_AGE_H, "sync", "168", "events recorded longer ago than this (hours) are"
                    + " quarantined, not applied",
                    (s, t) -> s.withSync(y -> y.withMaxOfflineAge(Duration.ofHours(whole(t))))),
            new Env(EVENT_SESSION_SKEW_S, "sync", "120", "how far outside its session's lifetime a signed event's"
                    + " `recorded_at` may lie (seconds; device clock skew)",
                    (s, t) -> s.withSync(y -> y.withSessionSkew(Duration.ofSeconds(whole(t))))),
            new Env(MAX_SPEED_KMH, "sync", "200", "speed between a driver's located events, or between two of their"
                    + " fixes, above which they are flagged (route hijack); a fix reporting more is marked `SPEED`",
                    (s, t) -> s.withSync(y -> y.withMaxSpeedKmh(decimal(t)))),
            new Env(STOP_FAILURE_REASONS, "stops", "RECIPIENT_ABSENT,ADDRESS_NOT_FOUND,REFUSED,DAMAGED,ACCESS_DENIED,OTHER",
                    "the reason codes a failed stop may carry (comma-separated, upper-case); `OTHER` also needs a note",
                    (s, t) -> s.withStops(p -> p.withFailureReasons(StopSettings.codes(t)))),
            new Env(STOP_MAX_PROOFS, "stops", "20", "the most proof items (signatures, photos, notes, codes) one stop"
                    + " records (1 to 1000)",
                    (s, t) -> s.withStops(p -> p.withMaxProofsPerStop(Math.toIntExact(whole(t))))),
            new Env(FIX_MAX_ACCURACY_M, "positions", "100", "a fix reporting a worse accuracy (metres) is kept but"
                    + " marked `ACCURACY` and counts for nothing",
                    (s, t) -> s.withPositions(p -> p.withMaxFixAccuracyMeters(decimal(t)))),
            new Env(ARRIVAL_CONFIRM_FIXES, "positions", "2", "fixes certainly inside a stop's fence around an"
                    + " arrival that confirm it (0 to 100; 0 turns confirmation off)",
                    (s, t) -> s.withPositions(p -> p.withConfirmation(Math.toIntExact(whole(t)), p.confirmDwell()))),
            new Env(ARRIVAL_CONFIRM_DWELL_S, "positions", "30", "or a stay in the fence this long (seconds) confirms it",
                    (s, t) -> s.withPositions(p -> p.withConfirmation(p.confirmFixes(), Duration.ofSeconds(whole(t))))),
            new Env(ARRIVAL_WINDOW_S, "positions", "300", "how far before and after an arrival (seconds) its fixes"
                    + " are looked for",
                    (s, t) -> s.withPositions(p -> p.withConfirmWindow(Duration.ofSeconds(whole(t))))),
            new Env(EXIT_RADIUS_FACTOR, "positions", "1.25", "a driver is still at a stop until beyond its radius"
                    + " times this (hysteresis)",
                    (s, t) -> s.withPositions(p -> p.withExitFactor(decimal(t)))),
            new Env(QUIET_AFTER_MIN, "positions", "10", "a driver on route with no fix and no event for this long"
                    + " (minutes) is quiet",
                    (s, t) -> s.withPositions(p -> p.withQuietAfter(Duration.ofMinutes(whole(t))))),
            new Env(EXCURSION_GAP_S, "positions", "120", "off-corridor fixes closer in time than this (seconds)"
                    + " are one excursion, one review item",
                    (s, t) -> s.withPositions(p -> p.withExcursionGap(Duration.ofSeconds(whole(t))))),
            new Env(FIX_RETENTION_D, "positions", "30", "fixes recorded longer ago than this (days) are removed by"
                    + " the purge",
                    (s, t) -> s.withPositions(p -> p.withRetention(Duration.ofDays(whole(t))))),
            new Env(CHANGE_RETENTION_D, "changes", "30", "changes of the change feed older than this (days) are"
                    + " removed by its purge; a cursor older than what is kept answers `NOT_FOUND` (expired cursor)",
                    (s, t) -> s.withChangeRetention(Duration.ofDays(whole(t)))),
            new Env(SESSION_IDLE_TIMEOUT_MIN, "sessions", "30", "a device session ends after this long without an"
                    + " authenticated call (minutes)",
                    (s, t) -> s.withSessions(d -> d.withIdleTimeout(Duration.ofMinutes(whole(t))))),
            new Env(SESSION_MAX_AGE_H, "sessions", "12", "a device session ends this long after login (hours)",
                    (s, t) -> s.withSessions(d -> d.withMaxAge(Duration.ofHours(whole(t))))),
            new Env(SIGNING_SECRET, "sessions", "none", "base64 secret (32+ bytes) from which each session's"
                    + " event-signing key is derived; required for logins",
                    (s, t) -> s.withSessions(d -> d.withSigningSecret(base64(SIGNING_SECRET, t)))));

    private static final FleetgateSettings DEFAULTS = new FleetgateSettings(ExclusiveSettings.defaults(),
            LoginSettings.defaults(), SyncSettings.defaults(), SessionSettings.defaults(), StopSettings.defaults(),
            PositionSettings.defaults(), Duration.ofDays(30));

    private final ExclusiveSettings exclusive;
    private final LoginSettings login;
    private final SyncSettings sync;
    private final SessionSettings sessions;
    private final StopSettings stops;
    private final PositionSettings positions;
    private final Duration changeRetention;

    private FleetgateSettings(ExclusiveSettings exclusive, LoginSettings login, SyncSettings sync,
                              SessionSettings sessions, StopSettings stops, PositionSettings positions,
                              Duration changeRetention) {
        this.exclusive = Objects.requireNonNull(exclusive, "exclusive");
        this.login = Objects.requireNonNull(login, "login");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.stops = Objects.requireNonNull(stops, "stops");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.changeRetention = Objects.requireNonNull(changeRetention, "changeRetention");
        if (changeRetention.compareTo(Duration.ofDays(1)) < 0 || changeRetention.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException(CHANGE_RETENTION_D + " must be 1 to 3650 days, got " + changeRetention);
        }
    }

    /** {@return every concern's defaults (no signing secret, no pepper)} */
    public static FleetgateSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Reads the settings from a map such as {@code System.getenv()}; absent names keep their
     * defaults, other names are ignored; a blank secret counts as absent.
     *
     * @param env names to text values
     * @return the settings
     * @throws IllegalArgumentException naming the setting whose value is not valid
     */
    public static FleetgateSettings fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        FleetgateSettings s = DEFAULTS;
        for (Env e : ENVIRONMENT) {
            String text = env.get(e.name());
            if (text == null || (text.isBlank() && (e.name().equals(PIN_PEPPER) || e.name().equals(SIGNING_SECRET)))) {
                continue;
            }
            try {
                s = e.apply().apply(s, text.trim());
            } catch (NumberFormatException | ArithmeticException bad) {
                throw new IllegalArgumentException(e.name() + " must be a number in range, got '" + text + "'", bad);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(e.name() + " is not valid, got '" + text + "': " + bad.getMessage(), bad);
            }
        }
        return s;
    }

    /**
     * {@return every environment setting as a Markdown table (name, concern, default, meaning), in
     * the order they are read: the text of {@code docs/settings.md}'s table}
     */
    public static String environmentTable() {
        StringBuilder t = new StringBuilder("| setting | concern | default | meaning |\n|---|---|---|---|\n");
        for (Env e : ENVIRONMENT) {
            t.append("| `").append(e.name()).append("` | ").append(e.concern()).append(" | ").append(e.defaultText())
                    .append(" | ").append(e.meaning()).append(" |\n");
        }
        return t.toString();
    }

    /** {@return the rules of exclusive sessions at chargers} */
    public ExclusiveSettings exclusive() {
        return exclusive;
    }

    /** {@return the rules of logging in: lockouts and PIN hashing} */
    public LoginSettings login() {
        return login;
    }

    /** {@return the rules of syncing driver events} */
    public SyncSettings sync() {
        return sync;
    }

    /** {@return the rules of delivery stops: failure reasons and proof} */
    public StopSettings stops() {
        return stops;
    }

    /** {@return the rules of the position stream: plausibility, arrival confirmation, quiet devices, retention} */
    public PositionSettings positions() {
        return positions;
    }

    /** {@return how long the change feed keeps a change ({@code CHANGE_RETENTION_D}, default 30 days; 1 to 3650 days)} */
    public Duration changeRetention() {
        return changeRetention;
    }

    /**
     * Returns a copy of these settings with another change-feed retention.
     *
     * @param retention how long the change feed keeps a change (1 to 3650 days)
     * @return these settings with it changed
     * @throws IllegalArgumentException out of range
     */
    public FleetgateSettings withChangeRetention(Duration retention) {
        return new FleetgateSettings(exclusive, login, sync, sessions, stops, positions, retention);
    }

    /** {@return the rules of device sessions, with the signing secret} */
    public SessionSettings sessions() {
        return sessions;
    }

    /**
     * Returns a copy of these settings with {@code exclusive} changed.
     *
     * @param change what to change of the exclusive-session rules
     * @return these settings with them changed
     */
    public FleetgateSettings withExclusive(UnaryOperator<ExclusiveSettings> change) {
        return new FleetgateSettings(change.apply(exclusive), login, sync, sessions, stops, positions, changeRetention);
    }

    /**
     * Returns a copy of these settings with {@code login} changed.
     *
     * @param change what to change of the login rules
     * @return these settings with them changed
     */
    public FleetgateSettings withLogin(UnaryOperator<LoginSettings> change) {
        return new FleetgateSettings(exclusive, change.apply(login), sync, sessions, stops, positions, changeRetention);
    }

    /**
     * Returns a copy of these settings with {@code sync} changed.
     *
     * @param change what to change of the sync rules
     * @return these settings with them changed
     */
    public FleetgateSettings withSync(UnaryOperator<SyncSettings> change) {
        return new FleetgateSettings(exclusive, login, change.apply(sync), sessions, stops, positions, changeRetention);
    }

    /**
     * Returns a copy of these settings with {@code sessions} changed.
     *
     * @param change what to change of the session rules
     * @return these settings with them changed
     */
    public FleetgateSettings withSessions(UnaryOperator<SessionSettings> change) {
        return new FleetgateSettings(exclusive, login, sync, change.apply(sessions), stops, positions, changeRetention);
    }

    /**
     * Returns a copy of these settings with {@code stops} changed.
     *
     * @param change what to change of the stop rules
     * @return these settings with them changed
     */
    public FleetgateSettings withStops(UnaryOperator<StopSettings> change) {
        return new FleetgateSettings(exclusive, login, sync, sessions, change.apply(stops), positions, changeRetention);
    }

    /**
     * Returns a copy of these settings with {@code positions} changed.
     *
     * @param change what to change of the position rules
     * @return these settings with them changed
     */
    public FleetgateSettings withPositions(UnaryOperator<PositionSettings> change) {
        return new FleetgateSettings(exclusive, login, sync, sessions, stops, change.apply(positions), changeRetention);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FleetgateSettings f && exclusive.equals(f.exclusive) && login.equals(f.login)
                && sync.equals(f.sync) && sessions.equals(f.sessions) && stops.equals(f.stops)
                && positions.equals(f.positions) && changeRetention.equals(f.changeRetention);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exclusive, login, sync, sessions, stops, positions, changeRetention);
    }

    /** {@return every concern, secrets shown only as set or not} */
    @Override
    public String toString() {
        return "FleetgateSettings[" + exclusive + ", " + login + ", " + sync + ", " + sessions + ", " + stops + ", " + positions + ", changeRetention=" + changeRetention + "]";
    }

    private static long whole(String text) {
        return Long.parseLong(text);
    }

    private static double decimal(String text) {
        return Double.parseDouble(text); // NaN and the infinities are refused by the records
    }

    private static byte[] base64(String name, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64", e);
        }
    }
}
