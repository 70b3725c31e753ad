package io.fleetgate.session;

import io.fleetgate.DecisionKind;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.SessionBlockedException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.error.TooManyAttemptsException;
import io.fleetgate.error.UnauthenticatedException;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.LoginAttempts;
import io.fleetgate.spi.SessionRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
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
 * <p>Every login attempt is reserved in the store (shared by every host instance) in one atomic
 * step BEFORE its PIN is hashed: per submitted username, known or not, and per source when the
 * host names one ({@link LoginRequest#source()}). {@code LOGIN_MAX_ATTEMPTS} attempts on a name
 * within {@code LOGIN_LOCKOUT_MIN} lock it ({@code LOGIN_SOURCE_MAX_ATTEMPTS} a source), so however
 * many arrive at once at most the limit is ever evaluated; while locked even the right PIN is
 * refused unevaluated ({@code TOO_MANY_ATTEMPTS} with {@code retry_after_s} and {@code reason}).
 * Each new lock of a name or source lasts twice the last, up to {@code LOGIN_LOCKOUT_MAX_MIN}; a
 * successful login clears the name's count and locks, and gives the source's attempt back. PIN
 * hashing runs on at most {@code LOGIN_HASH_CONCURRENCY} callers' threads at once, with at most
 * {@code LOGIN_HASH_QUEUE} waiting; a login beyond that is refused at once, writing nothing
 * ({@code reason} {@code login_busy}). An unknown username costs the same PIN hash as a known one
 * and gets the same answer as a wrong PIN; an ended token the same answer as an unknown one.
 * Instances are immutable and thread-safe.
 */
public final class SessionService {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private static final Duration ACTIVITY_RESOLUTION = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String WRONG = "wrong username or PIN";
    private static final String UNKNOWN_TOKEN = "unknown or ended token";

    private final Context context;
    private final CredentialRepository credentials;
    private final SessionRepository sessions;
    private final BatchRepository execution;
    private final io.fleetgate.spi.WorkspaceDirectory directory;
    private final FleetgateSettings settings;
    private final PinHasher hasher;
    private final EventSignatures signatures;
    private final HashingLimit hashing;
    private final LoginReservations reservations;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share; with a signing secret
     */
    public SessionService(Context context) {
        this.context = context;
        this.credentials = context.store().credentials();
        this.sessions = context.store().sessions();
        this.execution = context.store().batches();
        this.directory = context.store().workspaces();
        this.settings = context.settings();
        this.hasher = context.hasher();
        this.signatures = Objects.requireNonNull(context.signatures(), "signing secret");
        this.hashing = new HashingLimit(settings.login().hashConcurrency(), settings.login().hashQueue());
        this.reservations = new LoginReservations(credentials, settings.login(),
                signatures.keyFor("login-source").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Logs a user in on a device.
     *
     * @param principal must be {@link Principal#system()}: nobody is known yet
     * @param request   username, PIN and device
     * @return the token, the session and its signing key
     * @throws ForbiddenException        for a principal other than the system
     * @throws InvalidRequestException   for a missing or malformed username, device id or PIN
     * @throws TooManyAttemptsException  while the username or the source is locked (reason
     *                                   {@code username_locked}, {@code source_locked}), or at once
     *                                   when every hashing slot is taken and the queue is full
     *                                   ({@code login_busy}); nothing is hashed
     * @throws UnauthenticatedException  for a wrong username or PIN, alike
     * @throws SessionBlockedException   for a new device while the driver is on route
     * @throws StoreUnavailableException if the store fails or the user's logins keep racing
     */
    public LoginResult login(Principal principal, LoginRequest request) {
        return context.decide(DecisionKind.LOGIN, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                requireSystem(principal, "log users in");
                Objects.requireNonNull(request, "request");
                String key = Usernames.key(request.username());
                Ids.require("device_id", request.deviceId());
                if (request.pin() == null) {
                    throw FleetgateException.invalid("pin", "is required");
                }
                String source = request.source() == null || request.source().isEmpty() ? null : request.source();
                // The stages in order; each refuses with its own code, and nothing after a refusal runs.
                return hashing.run(() -> {                                              // 1 admit: a hashing slot
                    Instant now = context.now();
                    var reserved = reservations.reserve(key, source, now);              // 2 reserve, before any hash
                    UserCredential user = verifyPin(reserved, request.pin(), now);      // 3 verify the PIN
                    LoginResult result = open(user.userId(), request.deviceId(), now);  // 4 open the session
                    context.loggedIn(user.userId(), result.session().id(), now);        // 5 after-login hook
                    LOG.atInfo().setMessage("login_succeeded").addKeyValue("user_id", LogValues.text(user.userId()))
                            .addKeyValue("session_id", result.session().id())
                            .addKeyValue("device_id", LogValues.digest(request.deviceId())).log();
                    return result;
                });
            }
        });
    }

    /**
     * Login stage 3, verify: the PIN against the user's hash, or against a dummy hash for an
     * unknown name so both cost the same and get the same answer ({@code UNAUTHENTICATED}). A
     * wrong PIN stays counted; a right one clears the name's count, gives the source's attempt back
     * and rehashes the PIN if its parameters are outdated.
     */
    private UserCredential verifyPin(LoginReservations.Reserved reserved, String pin, Instant now) {
        Optional<UserCredential> user = credentials.findByUsernameKey(reserved.key());
        PinHasher.Verification check;
        if (user.isPresent()) {
            check = hasher.verify(pin, user.get().pinHash());
        } else {
            hasher.dummyVerify(pin);
            check = new PinHasher.Verification(false, false);
        }
        if (!check.matches()) {
            LoginAttempts after = reserved.byName().attempts();
            LOG.atInfo().setMessage("login_failed").addKeyValue("username", LogValues.digest(reserved.key()))
                    .addKeyValue("source", LogValues.digest(reserved.source()))
                    .addKeyValue("failed_count", after.failedCount())
                    .addKeyValue("locked_until", after.lockedUntil()).log();
            throw new UnauthenticatedException(WRONG);
        }
        UserCredential u = user.get();
        reservations.succeeded(reserved);
        if (check.needsRehash()) {
            credentials.updatePinHash(u.userId(), hasher.hash(pin), now);
        }
        return u;
    }

    /**
     * Login stage 4, open: the new session, or the current one's token rotated on the same device.
     * Reads the current session, then replaces it only if it is still current; a login that keeps
     * losing (many logins of one user at once, from any instance) waits in line for the user.
     */
    private LoginResult open(String userId, String deviceId, Instant now) {
        return context.contention().decide(() -> List.of("user:" + userId), () -> tryOpen(userId, deviceId, now),
                "the sessions of " + userId);
    }

    /** One attempt: the new session, or {@code null} if another login changed the current one first. */
    private LoginResult tryOpen(String userId, String deviceId, Instant now) {
        Optional<DeviceSession> current = sessions.findCurrent(userId);
        String token = newToken();
        if (current.isPresent()) {
            DeviceSession c = current.get();
            InvalidationReason unusable = c.unusableAt(now, settings.sessions().idleTimeout());
            if (unusable == null && c.deviceId().equals(deviceId)) {
                if (sessions.rotateToken(c.id(), c.tokenHash(), hash(token), now)) {
                    return new LoginResult(token, sessions.findById(c.id()).orElseThrow(), signatures.keyFor(c.id()));
                }
                return null;
            }
            if (unusable == null && !execution.findInProgressBatches(userId).isEmpty()) {
                LOG.atInfo().setMessage("login_blocked").addKeyValue("user_id", LogValues.text(userId))
                        .addKeyValue("device_id", LogValues.digest(deviceId)).addKeyValue("session_id", c.id()).log();
                throw new SessionBlockedException(c.id(), "driver " + userId
                        + " is on a route; a supervisor must end the session on the other device first");
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

    private DeviceSession newSession(String userId, String deviceId, String token, Instant now) {
        return new DeviceSession(UUID.randomUUID().toString(), userId, deviceId, hash(token), now, now,
                now.plus(settings.sessions().maxAge()), null, null);
    }

    /**
     * Checks a bearer token and counts the call as activity.
     *
     * @param token the token as received
     * @return the session
     * @throws UnauthenticatedException  for a missing, unknown, rotated, invalidated, idle or expired
     *                                   token, alike
     * @throws StoreUnavailableException if the store fails
     */
    public DeviceSession authenticate(String token) {
        return authenticate(token, true);
    }

    /**
     * Checks a bearer token still holds, without counting it as activity: for a host that
     * re-checks, now and then, the token behind a long-lived answer (an event stream), which must
     * end with the token and must not keep it alive. A token found idle or expired is ended, as
     * {@link #authenticate} ends it.
     *
     * @param token the token as received
     * @return the session
     * @throws UnauthenticatedException  as {@link #authenticate}
     * @throws StoreUnavailableException if the store fails
     */
    public DeviceSession verify(String token) {
        return authenticate(token, false);
    }

    private DeviceSession authenticate(String token, boolean activity) {
        if (token == null || token.isBlank() || token.length() > 200) {
            throw unauthenticated("a bearer token is required");
        }
        String presented = hash(token);
        DeviceSession s = sessions.findByTokenHash(presented).orElseThrow(() -> unauthenticated(UNKNOWN_TOKEN));
        if (!MessageDigest.isEqual(s.tokenHash().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII))) {
            throw unauthenticated(UNKNOWN_TOKEN);
        }
        Instant now = context.now();
        InvalidationReason unusable = s.unusableAt(now, settings.sessions().idleTimeout());
        if (unusable != null) {
            if (s.invalidatedAt() == null && sessions.invalidate(s.id(), unusable, now)) {
                LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", s.id())
                        .addKeyValue("user_id", LogValues.text(s.userId())).addKeyValue("reason", unusable.name()).log();
            }
            throw unauthenticated(UNKNOWN_TOKEN); // an ended token answers exactly as an unknown one
        }
        if (activity && !s.lastActiveAt().isAfter(now.minus(ACTIVITY_RESOLUTION))) {
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
     * @throws UnauthenticatedException  as {@link #authenticate}, or if the token was rotated meanwhile
     * @throws StoreUnavailableException if the store fails
     */
    public LoginResult refresh(String token) {
        return context.decide(DecisionKind.REFRESH, () -> {
            DeviceSession s = authenticate(token);
            String next = newToken();
            if (!sessions.rotateToken(s.id(), s.tokenHash(), hash(next), context.now())) {
                throw unauthenticated(UNKNOWN_TOKEN);
            }
            LOG.atInfo().setMessage("token_rotated").addKeyValue("session_id", s.id())
                    .addKeyValue("user_id", LogValues.text(s.userId())).log();
            return new LoginResult(next, sessions.findById(s.id()).orElseThrow(), signatures.keyFor(s.id()));
        });
    }

    /**
     * Ends the token's session.
     *
     * @param token the current token
     * @throws UnauthenticatedException  as {@link #authenticate}
     * @throws StoreUnavailableException if the store fails
     */
    public void logout(String token) {
        context.decide(DecisionKind.LOGOUT, () -> {
            DeviceSession s = authenticate(token);
            if (sessions.invalidate(s.id(), InvalidationReason.LOGOUT, context.now())) {
                LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", s.id())
                        .addKeyValue("user_id", LogValues.text(s.userId())).addKeyValue("reason", InvalidationReason.LOGOUT.name()).log();
            }
        });
    }

    /**
     * Ends a user's current session, for instance so that a driver on route can log in on a new
     * device.
     *
     * <p>A supervisor may end the sessions of the drivers and members of their own workspace
     * only: not of users outside it ({@code NOT_FOUND}, as an unknown user), and not of another
     * supervisor, even of the same workspace ({@code FORBIDDEN}): supervisors end their own
     * sessions by logging out, and the system (an operator) may end anyone's.
     *
     * @param principal a supervisor of a workspace the user belongs to, or the system
     * @param userId    the user
     * @return the ended session, or empty if the user had none
     * @throws ForbiddenException        for drivers and members, and for a supervisor ending
     *                                   another supervisor's session
     * @throws NotFoundException         for a user outside the supervisor's workspace
     * @throws InvalidRequestException   for a bad user id
     * @throws StoreUnavailableException if the store fails or the user's sessions keep changing
     */
    public Optional<DeviceSession> invalidateCurrent(Principal principal, String userId) {
        return context.decide(DecisionKind.SESSION_INVALIDATE, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                Objects.requireNonNull(principal, "principal");
                if (!(principal instanceof Principal.Supervisor) && !(principal instanceof Principal.System)) {
                    throw FleetgateException.forbidden("only a supervisor may end another user's session");
                }
                Ids.require("driver_id", userId);
                if (principal instanceof Principal.Supervisor s) {
                    requireManagedBy(directory, s, userId, "driver");
                }
                Instant now = context.now();
                return context.contention().retry(() -> {
                    Optional<DeviceSession> current = sessions.findCurrent(userId);
                    if (current.isEmpty()) {
                        return Optional.<DeviceSession>empty();
                    }
                    if (!sessions.invalidate(current.get().id(), InvalidationReason.SUPERVISOR, now)) {
                        return null; // replaced meanwhile: end the new one
                    }
                    LOG.atInfo().setMessage("session_ended").addKeyValue("session_id", current.get().id())
                            .addKeyValue("user_id", LogValues.text(userId))
                            .addKeyValue("reason", InvalidationReason.SUPERVISOR.name())
                            .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
                    return sessions.findById(current.get().id());
                }, "the sessions of " + userId);
            }
        });
    }

    /** {@return the signatures helper holding this service's secret} */
    public EventSignatures signatures() {
        return signatures;
    }

    /**
     * Checks that a supervisor manages a user: a driver or member of the supervisor's workspace.
     *
     * @param directory the memberships
     * @param s         the supervisor
     * @param userId    the user acted on
     * @param what      how the user is named in a {@code NOT_FOUND}
     * @throws NotFoundException  for a user outside the workspace
     * @throws ForbiddenException for a supervisor of it
     */
    static void requireManagedBy(io.fleetgate.spi.WorkspaceDirectory directory, Principal.Supervisor s,
                                 String userId, String what) {
        io.fleetgate.access.Membership m = directory.findMemberships(userId).stream()
                .filter(x -> x.workspaceId().equals(s.workspaceId())).findFirst()
                .orElseThrow(() -> FleetgateException.notFound(what, userId));
        if (m.role() == io.fleetgate.access.Role.SUPERVISOR && !m.userId().equals(s.userId())) {
            throw FleetgateException.forbidden("a supervisor's credentials and sessions are managed by the system");
        }
    }

    private static FleetgateException unauthenticated(String why) {
        return new UnauthenticatedException(why);
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
}
