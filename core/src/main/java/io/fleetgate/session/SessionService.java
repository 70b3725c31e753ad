package io.fleetgate.session;

import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Contention;
import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.FleetgateStore;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.ExecutionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Device sessions (seed 004, next step 2 and future enhancements 1–3): login with username and PIN,
 * one current session per user, device change, token rotation, idle and absolute timeouts, and
 * each session's event-signing key.
 *
 * <p>Login on the device of the current session rotates its token. Login on another device ends
 * the current session ({@code DEVICE_CHANGED}) — unless the user is a driver on a route
 * ({@code EN_ROUTE}, {@code AT_STOP}, {@code DELAYED}), where it is refused with
 * {@code SESSION_BLOCKED} until a supervisor ends the old session. Tokens are 256 random bits from
 * {@link SecureRandom}, returned once; only their SHA-256 is stored, and the stored hash is
 * compared in constant time. A token is refused once its session is invalidated, idle for
 * {@code SESSION_IDLE_TIMEOUT_MIN}, or older than {@code SESSION_MAX_AGE_H}; activity is written at
 * most once a minute per session, so polling does not turn reads into writes.
 *
 * <p>Wrong PINs are counted per submitted username, known or not, in the store (shared by every
 * host instance); {@code LOGIN_MAX_ATTEMPTS} of them within {@code LOGIN_LOCKOUT_MIN} lock the name
 * for that long ({@code TOO_MANY_ATTEMPTS} with {@code retry_after_s}). An unknown username costs
 * the same PIN hash as a known one and gets the same answer as a wrong PIN. Instances are
 * immutable and thread-safe.
 */
public final class SessionService {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private static final Duration ACTIVITY_RESOLUTION = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String WRONG = "wrong username or PIN";
    private static final int ATTEMPTS = 16;

    private final FleetgateStore store;
    private final CredentialRepository credentials;
    private final SessionRepository sessions;
    private final ExecutionRepository execution;
    private final io.fleetgate.access.WorkspaceDirectory directory;
    private final DriverExecutionService batches;
    private final Clock clock;
    private final FleetgateSettings settings;
    private final PinHasher hasher;
    private final EventSignatures signatures;

    private SessionService(Builder b) {
        this.store = b.store;
        this.credentials = b.store.credentials();
        this.sessions = b.store.sessions();
        this.execution = b.store.execution();
        this.directory = b.store.workspaces();
        this.batches = DriverExecutionService.builder().store(b.store).clock(b.clock).settings(b.settings).build();
        this.clock = b.clock;
        this.settings = b.settings;
        this.hasher = b.hasher != null ? b.hasher : new PinHasher(b.settings.pinHashIterations(), b.settings.pinPepper());
        this.signatures = new EventSignatures(b.settings.signingSecret());
    }

    /** {@return a builder; {@code store} and settings with a signing secret are required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Logs a user in on a device.
     *
     * @param principal must be {@link Principal#system()}: nobody is known yet
     * @param request   username, PIN and device
     * @return the token, the session and its signing key
     * @throws FleetgateException {@code UNAUTHENTICATED} for a wrong username or PIN;
     *                            {@code TOO_MANY_ATTEMPTS} while the username is locked;
     *                            {@code SESSION_BLOCKED} for a new device while on route;
     *                            {@code INVALID_REQUEST} for a missing field; {@code FORBIDDEN}
     *                            for a principal other than the system
     */
    public LoginResult login(Principal principal, LoginRequest request) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            requireSystem(principal, "log users in");
            Objects.requireNonNull(request, "request");
            String key = Usernames.key(request.username());
            Ids.require("device_id", request.deviceId());
            if (request.pin() == null) {
                throw FleetgateException.invalid("pin", "is required");
            }
            Instant now = now();
            Optional<LoginAttempts> attempts = credentials.findAttempts(key);
            if (attempts.isPresent() && attempts.get().lockedAt(now)) {
                throw locked(key, attempts.get(), now);
            }
            Optional<UserCredential> user = credentials.findByUsernameKey(key);
            PinHasher.Verification check;
            if (user.isPresent()) {
                check = hasher.verify(request.pin(), user.get().pinHash());
            } else {
                hasher.dummyVerify(request.pin());
                check = new PinHasher.Verification(false, false);
            }
            if (!check.matches()) {
                LoginAttempts after = credentials.recordFailure(key, now, settings.loginMaxAttempts(), settings.loginLockout());
                LOG.atInfo().setMessage("login_failed").addKeyValue("username", key)
                        .addKeyValue("failed_count", after.failedCount())
                        .addKeyValue("locked_until", after.lockedUntil()).log();
                throw new FleetgateException(ErrorCode.UNAUTHENTICATED, WRONG);
            }
            UserCredential u = user.get();
            if (attempts.isPresent()) {
                credentials.clearAttempts(key);
            }
            if (check.needsRehash()) {
                credentials.updatePinHash(u.userId(), hasher.hash(request.pin()), now);
            }
            LoginResult result = open(u.userId(), request.deviceId(), now);
            activateAssignedBatches(u.userId(), result.session().id(), now);
            LOG.atInfo().setMessage("login_succeeded").addKeyValue("user_id", u.userId())
                    .addKeyValue("session_id", result.session().id()).addKeyValue("device_id", request.deviceId()).log();
            return result;
        }
    }

    // Read the current session, then replace it only if it is still current; a login that keeps
    // losing (many logins of one user at once, from any instance) waits in line for the user.
    private LoginResult open(String userId, String deviceId, Instant now) {
        return Contention.decide(store, () -> List.of("user:" + userId), () -> tryOpen(userId, deviceId, now),
                "the sessions of " + userId);
    }

    /** One attempt: the new session, or {@code null} if another login changed the current one first. */
    private LoginResult tryOpen(String userId, String deviceId, Instant now) {
        Optional<DeviceSession> current = sessions.findCurrent(userId);
        String token = newToken();
        if (current.isPresent()) {
            DeviceSession c = current.get();
            InvalidationReason unusable = c.unusableAt(now, settings.sessionIdleTimeout());
            if (unusable == null && c.deviceId().equals(deviceId)) {
                if (sessions.rotateToken(c.id(), c.tokenHash(), hash(token), now)) {
                    return new LoginResult(token, sessions.findById(c.id()).orElseThrow(), signatures.keyFor(c.id()));
                }
                return null;
            }
            if (unusable == null && !execution.findInProgressBatches(userId).isEmpty()) {
                LOG.atInfo().setMessage("login_blocked").addKeyValue("user_id", userId)
                        .addKeyValue("device_id", deviceId).addKeyValue("session_id", c.id()).log();
                throw new FleetgateException(ErrorCode.SESSION_BLOCKED, "driver " + userId
                        + " is on a route; a supervisor must end the session on the other device first",
                        Map.of("session_id", c.id()), null);
            }
            DeviceSession next = newSession(userId, deviceId, token, now);
            if (sessions.replace(c.id(), unusable == null ? InvalidationReason.DEVICE_CHANGED : unusable, next, now)) {
                return new LoginResult(token, next, signatures.keyFor(next.id()));
            }
        } else {
            DeviceSession next = newSession(userId, deviceId, token, now);
            if (sessions.replace(null, null, next, now)) {
                return new LoginResult(token, next, signatures.keyFor(next.id()));
            }
        }
        return null;
    }

    /**
     * The seed's "INACTIVE → ACTIVE (login)": each INACTIVE batch assigned to the user moves to
     * ACTIVE through a {@code DRIVER_LOGGED_IN} event, so the log still replays to the batch's
     * status. The event id is derived from the session and batch, so a retried login adds nothing.
     */
    private void activateAssignedBatches(String userId, String sessionId, Instant now) {
        List<DriverEventRequest> logins = new ArrayList<>();
        for (Batch b : execution.findBatchesAssignedTo(userId)) {
            if (b.status() == DriverStatus.INACTIVE) {
                String eventId = UUID.nameUUIDFromBytes(("login:" + sessionId + ":" + b.id())
                        .getBytes(StandardCharsets.UTF_8)).toString();
                logins.add(DriverEventRequest.of(eventId, b.id(), DriverEventType.DRIVER_LOGGED_IN, now).session(sessionId));
            }
        }
        if (!logins.isEmpty()) {
            batches.sync(Principal.system(), logins);
        }
    }

    private DeviceSession newSession(String userId, String deviceId, String token, Instant now) {
        return new DeviceSession(UUID.randomUUID().toString(), userId, deviceId, hash(token), now, now,
                now.plus(settings.sessionMaxAge()), null, null);
    }

    /**
     * Checks a bearer token and counts the call as activity.
     *
     * @param token the token as received
     * @return the session
     * @throws FleetgateException {@code UNAUTHENTICATED} for a missing, unknown, rotated,
     *                            invalidated, idle or expired token
     */
    public DeviceSession authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            throw unauthenticated("a bearer token is required");
        }
        String presented = hash(token);
        DeviceSession s = sessions.findByTokenHash(presented).orElseThrow(() -> unauthenticated("unknown token"));
        if (!MessageDigest.isEqual(s.tokenHash().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII))) {
            throw unauthenticated("unknown token");
        }
        Instant now = now();
        InvalidationReason unusable = s.unusableAt(now, settings.sessionIdleTimeout());
        if (unusable != null) {
            if (s.invalidatedAt() == null && sessions.invalidate(s.id(), unusable, now)) {
                LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", s.id())
                        .addKeyValue("user_id", s.userId()).addKeyValue("reason", unusable.name()).log();
            }
            throw unauthenticated("the session has ended (" + unusable + ")");
        }
        if (!s.lastActiveAt().isAfter(now.minus(ACTIVITY_RESOLUTION))) {
            sessions.touch(s.id(), now, now.minus(ACTIVITY_RESOLUTION));
            return new DeviceSession(s.id(), s.userId(), s.deviceId(), s.tokenHash(), s.createdAt(), now,
                    s.expiresAt(), null, null);
        }
        return s;
    }

    /**
     * Replaces a valid token with a new one for the same session (a reconnecting phone); the old
     * token stops working at once. The signing key stays the same.
     *
     * @param token the current token
     * @return the new token and the session
     * @throws FleetgateException {@code UNAUTHENTICATED} as {@link #authenticate}
     */
    public LoginResult refresh(String token) {
        DeviceSession s = authenticate(token);
        String next = newToken();
        if (!sessions.rotateToken(s.id(), s.tokenHash(), hash(next), now())) {
            throw unauthenticated("the token was replaced meanwhile");
        }
        LOG.atInfo().setMessage("token_rotated").addKeyValue("session_id", s.id())
                .addKeyValue("user_id", s.userId()).log();
        return new LoginResult(next, sessions.findById(s.id()).orElseThrow(), signatures.keyFor(s.id()));
    }

    /**
     * Ends the token's session.
     *
     * @param token the current token
     * @throws FleetgateException {@code UNAUTHENTICATED} as {@link #authenticate}
     */
    public void logout(String token) {
        DeviceSession s = authenticate(token);
        if (sessions.invalidate(s.id(), InvalidationReason.LOGOUT, now())) {
            LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", s.id())
                    .addKeyValue("user_id", s.userId()).addKeyValue("reason", InvalidationReason.LOGOUT.name()).log();
        }
    }

    /**
     * Ends a user's current session, for instance so that a driver on route can log in on a new
     * device.
     *
     * @param principal a supervisor of a workspace the user belongs to, or the system
     * @param userId    the user
     * @return the ended session, or empty if the user had none
     * @throws FleetgateException {@code FORBIDDEN} for drivers and members; {@code NOT_FOUND} for a
     *                            user outside the supervisor's workspace
     */
    public Optional<DeviceSession> invalidateCurrent(Principal principal, String userId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            if (!(principal instanceof Principal.Supervisor) && !(principal instanceof Principal.System)) {
                throw FleetgateException.forbidden("only a supervisor may end another user's session");
            }
            Ids.require("driver_id", userId);
            if (principal instanceof Principal.Supervisor s && directory.findMemberships(userId).stream()
                    .noneMatch(m -> m.workspaceId().equals(s.workspaceId()))) {
                throw FleetgateException.notFound("driver", userId);
            }
            Instant now = now();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Optional<DeviceSession> current = sessions.findCurrent(userId);
                if (current.isEmpty()) {
                    return Optional.empty();
                }
                if (sessions.invalidate(current.get().id(), InvalidationReason.SUPERVISOR, now)) {
                    LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", current.get().id())
                            .addKeyValue("user_id", userId).addKeyValue("reason", InvalidationReason.SUPERVISOR.name())
                            .addKeyValue("actor_id", principal.userId()).log();
                    return sessions.findById(current.get().id());
                }
            }
            throw new FleetgateException(ErrorCode.STORE_UNAVAILABLE, "sessions of " + userId + " kept changing; retry");
        }
    }

    /** {@return the signatures helper holding this service's secret} */
    public EventSignatures signatures() {
        return signatures;
    }

    private FleetgateException locked(String key, LoginAttempts a, Instant now) {
        long retry = Math.max(1, Duration.between(now, a.lockedUntil()).toSeconds());
        LOG.atInfo().setMessage("login_locked").addKeyValue("username", key).addKeyValue("retry_after_s", retry).log();
        return new FleetgateException(ErrorCode.TOO_MANY_ATTEMPTS,
                "too many wrong PINs; retry after " + retry + " s", Map.of("retry_after_s", retry), null);
    }

    private static FleetgateException unauthenticated(String why) {
        return new FleetgateException(ErrorCode.UNAUTHENTICATED, why);
    }

    private static void requireSystem(Principal principal, String action) {
        if (!(Objects.requireNonNull(principal, "principal") instanceof Principal.System)) {
            throw FleetgateException.forbidden("only the system principal may " + action);
        }
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * {@return its hex SHA-256, as stored}
     *
     * @param token a token
     */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Builds a {@link SessionService}; not thread-safe. */
    public static final class Builder {
        private FleetgateStore store;
        private Clock clock = Clock.systemUTC();
        private FleetgateSettings settings = FleetgateSettings.defaults();
        private PinHasher hasher;

        private Builder() {
        }

        /**
         * {@return this builder}
         *
         * @param store where credentials, sessions and batches live
         */
        public Builder store(FleetgateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param clock the source of every instant
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param settings timeouts, lockout, hashing and the signing secret
         */
        public Builder settings(FleetgateSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Overrides the hasher the settings would build (tests use {@link PinHasher#forTestsOnlyWeak()}).
         *
         * @param hasher the hasher
         * @return this builder
         */
        public Builder pinHasher(PinHasher hasher) {
            this.hasher = Objects.requireNonNull(hasher, "hasher");
            return this;
        }

        /**
         * {@return the service}
         *
         * @throws IllegalArgumentException naming {@code FLEETGATE_SIGNING_SECRET} if it is not set
         */
        public SessionService build() {
            Objects.requireNonNull(store, "store");
            return new SessionService(this);
        }
    }
}
