package io.fleetgate.session;

import io.fleetgate.DecisionKind;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.spi.CredentialRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Usernames and PINs (seed 004, next step 1): enrol a user, set or reset a PIN, unlock a username
 * locked by wrong PINs. PINs are 6 to 32 digits (NIST SP 800-63B's minimum for memorised
 * secrets chosen from digits) and are stored only as PBKDF2 hashes ({@link PinHasher}).
 *
 * <p>Supervisors and the system manage credentials; a driver may change only their own PIN.
 * Instances are immutable and thread-safe.
 */
public final class CredentialService {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialService.class);

    private final CredentialRepository credentials;
    private final io.fleetgate.spi.WorkspaceDirectory directory;
    private final Context context;
    private final PinHasher hasher;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public CredentialService(Context context) {
        this.credentials = context.store().credentials();
        this.directory = context.store().workspaces();
        this.context = context;
        this.hasher = context.hasher();
    }

    /**
     * Enrols a user with a username and PIN. Enrolling the same user id and username again with
     * the same PIN changes nothing; with another PIN it is refused (use {@link #setPin}).
     *
     * @param principal a supervisor or the system
     * @param request   the user
     * @return the stored credential (without the PIN)
     * @throws ForbiddenException        for drivers and members
     * @throws InvalidRequestException   for a bad id, username or PIN, or a username or id already
     *                                   enrolled otherwise
     * @throws StoreUnavailableException if the store fails
     */
    public UserCredential enrol(Principal principal, EnrolRequest request) {
        return context.decide(DecisionKind.ENROL, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                requireManager(principal);
                Objects.requireNonNull(request, "request");
                Ids.require("user_id", request.userId());
                String key = Usernames.key(request.username());
                checkPin(request.pin());
                Instant now = context.now();
                UserCredential user = new UserCredential(request.userId(), request.username().strip(), key,
                        hasher.hash(request.pin()), now, now);
                if (!credentials.insertUser(user)) {
                    UserCredential existing = credentials.findByUserId(request.userId()).orElse(null);
                    if (existing != null && existing.usernameKey().equals(key)
                            && hasher.verify(request.pin(), existing.pinHash()).matches()) {
                        return existing;
                    }
                    throw FleetgateException.invalid(existing == null ? "username" : "user_id", "is already enrolled");
                }
                LOG.atInfo().setMessage("user_enrolled").addKeyValue("user_id", LogValues.text(user.userId()))
                        .addKeyValue("username", LogValues.digest(user.usernameKey()))
                        .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
                return user;
            }
        });
    }

    /**
     * Sets a new PIN, and unlocks the username.
     *
     * @param principal the user themselves (a driver), a supervisor of a workspace the user
     *                  belongs to as a driver or member, or the system
     * @param userId    the user
     * @param pin       the new PIN
     * @throws ForbiddenException        for another user's PIN (drivers, members), or another
     *                                   supervisor's
     * @throws NotFoundException         for an unknown user, or one outside the supervisor's workspace
     * @throws InvalidRequestException   for a bad user id or PIN
     * @throws StoreUnavailableException if the store fails
     */
    public void setPin(Principal principal, String userId, String pin) {
        context.decide(DecisionKind.PIN_CHANGE, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                Objects.requireNonNull(principal, "principal");
                Ids.require("user_id", userId);
                boolean self = principal instanceof Principal.Driver d && d.userId().equals(userId);
                if (!self) {
                    requireManager(principal);
                }
                checkPin(pin);
                if (principal instanceof Principal.Supervisor s) {
                    SessionService.requireManagedBy(directory, s, userId, "user");
                }
                UserCredential user = credentials.findByUserId(userId)
                        .orElseThrow(() -> FleetgateException.notFound("user", userId));
                credentials.updatePinHash(userId, hasher.hash(pin), context.now());
                credentials.clearAttempts(user.usernameKey());
                LOG.atInfo().setMessage("pin_set").addKeyValue("user_id", LogValues.text(userId))
                        .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
            }
        });
    }

    /**
     * Forgets the wrong PINs counted for a username, lifting a lock; the next lock is again the
     * shortest. Audited: each workspace the user belongs to gets a {@link SecurityAuditEntry}
     * ({@code login_unlocked}), written in the same transaction, which its supervisors can read with
     * {@link #securityAudit}; the unlock is also logged.
     *
     * @param principal a supervisor of a workspace the user belongs to as a driver or member, or
     *                  the system (which may also unlock a username nobody has)
     * @param username  the username
     * @throws ForbiddenException        for drivers and members, and for a supervisor unlocking
     *                                   another supervisor
     * @throws NotFoundException         for a supervisor naming a username no user of their
     *                                   workspace has
     * @throws InvalidRequestException   for a missing or malformed username
     * @throws StoreUnavailableException if the store fails
     */
    public void unlock(Principal principal, String username) {
        context.decide(DecisionKind.UNLOCK, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                requireManager(principal);
                String key = Usernames.key(username);
                Optional<UserCredential> user = credentials.findByUsernameKey(key);
                Instant now = context.now();
                List<SecurityAuditEntry> audit;
                if (principal instanceof Principal.Supervisor s) {
                    UserCredential u = user.orElseThrow(() -> FleetgateException.notFound("user", key));
                    SessionService.requireManagedBy(directory, s, u.userId(), "user");
                    audit = List.of(unlocked(s.workspaceId(), s.userId(), u.userId(), now));
                } else {
                    audit = user.map(u -> directory.findMemberships(u.userId()).stream()
                            .map(m -> unlocked(m.workspaceId(), principal.userId(), u.userId(), now)).toList())
                            .orElse(List.of());
                }
                credentials.unlock(key, audit);
                LOG.atWarn().setMessage("login_unlocked").addKeyValue("username", LogValues.digest(key))
                        .addKeyValue("user_id", user.map(u -> LogValues.text(u.userId())).orElse(null))
                        .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
            }
        });
    }

    /**
     * {@return the workspace's security audit (for instance who lifted which login lock), oldest first}
     *
     * @param principal a supervisor of the workspace, or the system
     * @param workspaceId the workspace
     * @throws ForbiddenException        for drivers, members and supervisors of other workspaces
     * @throws InvalidRequestException   for a bad workspace id
     * @throws StoreUnavailableException if the store fails
     */
    public List<SecurityAuditEntry> securityAudit(Principal principal, String workspaceId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            requireManager(principal);
            Ids.require("workspace_id", workspaceId);
            if (principal instanceof Principal.Supervisor s && !s.workspaceId().equals(workspaceId)) {
                throw FleetgateException.forbidden("a supervisor reads the security audit of their own workspace only");
            }
            return credentials.findSecurityAudit(workspaceId);
        }
    }

    private static SecurityAuditEntry unlocked(String workspaceId, String actorId, String userId, Instant now) {
        return new SecurityAuditEntry(UUID.randomUUID().toString(), workspaceId, actorId, "login_unlocked", userId, now);
    }

    static void checkPin(String pin) {
        if (pin == null || pin.length() < 6 || pin.length() > 32 || !pin.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw FleetgateException.invalid("pin", "must be 6 to 32 digits");
        }
    }

    private static void requireManager(Principal principal) {
        Objects.requireNonNull(principal, "principal");
        if (!(principal instanceof Principal.Supervisor) && !(principal instanceof Principal.System)) {
            throw FleetgateException.forbidden("only a supervisor manages credentials");
        }
    }
}
