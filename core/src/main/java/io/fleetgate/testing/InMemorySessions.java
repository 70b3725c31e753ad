package io.fleetgate.testing;

import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.InvalidationReason;
import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.session.UserCredential;
import io.fleetgate.spi.AttemptSubject;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.LoginAttempts;
import io.fleetgate.spi.SessionRepository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link CredentialRepository} and {@link SessionRepository} in memory, serialised on the store's lock. */
final class InMemorySessions implements CredentialRepository, SessionRepository {
    private final Object lock;
    private final Map<String, UserCredential> users = new TreeMap<>();
    private final Map<String, LoginAttempts> attempts = new TreeMap<>();
    private final Map<String, LoginAttempts> sourceAttempts = new TreeMap<>();
    private final List<SecurityAuditEntry> audit = new ArrayList<>();
    private final Map<String, DeviceSession> sessions = new TreeMap<>();

    InMemorySessions(Object lock) {
        this.lock = lock;
    }

    @Override
    public boolean insertUser(UserCredential user) {
        synchronized (lock) {
            if (users.containsKey(user.userId())
                    || users.values().stream().anyMatch(u -> u.usernameKey().equals(user.usernameKey()))) {
                return false;
            }
            users.put(user.userId(), user);
            return true;
        }
    }

    @Override
    public Optional<UserCredential> findByUsernameKey(String usernameKey) {
        synchronized (lock) {
            return users.values().stream().filter(u -> u.usernameKey().equals(usernameKey)).findFirst();
        }
    }

    @Override
    public Optional<UserCredential> findByUserId(String userId) {
        synchronized (lock) {
            return Optional.ofNullable(users.get(userId));
        }
    }

    @Override
    public boolean updatePinHash(String userId, String pinHash, Instant now) {
        synchronized (lock) {
            UserCredential u = users.get(userId);
            if (u == null) {
                return false;
            }
            users.put(userId, new UserCredential(u.userId(), u.username(), u.usernameKey(), pinHash, u.createdAt(), now));
            return true;
        }
    }

    @Override
    public Optional<LoginAttempts> findAttempts(AttemptSubject subject, String key) {
        synchronized (lock) {
            return Optional.ofNullable(attemptsOf(subject).get(key));
        }
    }

    @Override
    public Reservation reserveAttempt(AttemptSubject subject, String key, Instant now, int maxAttempts,
                                      Duration window, Instant lockEnd) {
        synchronized (lock) {
            Map<String, LoginAttempts> map = attemptsOf(subject);
            LoginAttempts old = map.get(key);
            if (old != null && old.lockedAt(now)) {
                return new Reservation(false, old);
            }
            boolean fresh = old == null || !now.isBefore(old.firstFailedAt().plus(window))
                    || old.lockedUntil() != null;
            int count = fresh ? 1 : old.failedCount() + 1;
            Instant first = fresh ? now : old.firstFailedAt();
            int locks = old == null ? 0 : old.lockCount();
            boolean locking = count >= maxAttempts;
            LoginAttempts next = new LoginAttempts(key, count, first, locking ? lockEnd : null,
                    locking ? locks + 1 : locks);
            map.put(key, next);
            return new Reservation(true, next);
        }
    }

    @Override
    public void extendLock(AttemptSubject subject, String key, int lockCount, Instant lockedUntil) {
        synchronized (lock) {
            Map<String, LoginAttempts> map = attemptsOf(subject);
            LoginAttempts a = map.get(key);
            if (a != null && a.lockCount() == lockCount && a.lockedUntil() != null && a.lockedUntil().isBefore(lockedUntil)) {
                map.put(key, new LoginAttempts(key, a.failedCount(), a.firstFailedAt(), lockedUntil, a.lockCount()));
            }
        }
    }

    @Override
    public void releaseAttempt(AttemptSubject subject, String key, Instant firstAttemptAt) {
        synchronized (lock) {
            Map<String, LoginAttempts> map = attemptsOf(subject);
            LoginAttempts a = map.get(key);
            if (a != null && a.firstFailedAt().equals(firstAttemptAt) && a.failedCount() > 0) {
                map.put(key, new LoginAttempts(key, a.failedCount() - 1, a.firstFailedAt(), a.lockedUntil(), a.lockCount()));
            }
        }
    }

    @Override
    public void clearAttempts(String usernameKey) {
        synchronized (lock) {
            attempts.remove(usernameKey);
        }
    }

    @Override
    public void unlock(String usernameKey, List<SecurityAuditEntry> entries) {
        synchronized (lock) {
            attempts.remove(usernameKey);
            audit.addAll(entries);
        }
    }

    @Override
    public List<SecurityAuditEntry> findSecurityAudit(String workspaceId) {
        synchronized (lock) {
            return audit.stream().filter(e -> e.workspaceId().equals(workspaceId))
                    .sorted(Comparator.comparing(SecurityAuditEntry::at).thenComparing(SecurityAuditEntry::id, CodePoints.ORDER))
                    .toList();
        }
    }

    private Map<String, LoginAttempts> attemptsOf(AttemptSubject subject) {
        return subject == AttemptSubject.USERNAME ? attempts : sourceAttempts;
    }

    @Override
    public Optional<DeviceSession> findCurrent(String userId) {
        synchronized (lock) {
            return sessions.values().stream()
                    .filter(s -> s.userId().equals(userId) && s.invalidatedAt() == null).findFirst();
        }
    }

    @Override
    public Optional<DeviceSession> findByTokenHash(String tokenHash) {
        synchronized (lock) {
            return sessions.values().stream().filter(s -> s.tokenHash().equals(tokenHash)).findFirst();
        }
    }

    @Override
    public Optional<DeviceSession> findById(String sessionId) {
        synchronized (lock) {
            return Optional.ofNullable(sessions.get(sessionId));
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>All or nothing, as in the databases' one transaction: every condition is checked on the
     * state after ending {@code currentId} before anything is written. Another current session of
     * the user answers {@code false} (the databases' {@code ON CONFLICT … DO NOTHING}); a taken
     * session id or token hash throws (a unique violation there).
     *
     * @throws IllegalStateException nothing written, when {@code next}'s id or token hash is taken
     */
    @Override
    public boolean replace(String currentId, InvalidationReason reason, DeviceSession next, Instant now) {
        synchronized (lock) {
            DeviceSession current = null;
            if (currentId != null) {
                current = sessions.get(currentId);
                if (current == null || current.invalidatedAt() != null) {
                    return false;
                }
            }
            boolean anotherCurrent = sessions.values().stream().anyMatch(s -> s.userId().equals(next.userId())
                    && s.invalidatedAt() == null && !s.id().equals(currentId));
            if (anotherCurrent) {
                return false;
            }
            if (sessions.containsKey(next.id())) {
                throw new IllegalStateException("session id " + next.id() + " is taken");
            }
            if (findByTokenHash(next.tokenHash()).isPresent()) {
                throw new IllegalStateException("token hash of session " + next.id() + " is taken");
            }
            if (current != null) {
                sessions.put(currentId, ended(current, reason, now));
            }
            sessions.put(next.id(), next);
            return true;
        }
    }

    @Override
    public boolean rotateToken(String sessionId, String oldTokenHash, String newTokenHash, Instant now) {
        synchronized (lock) {
            DeviceSession s = sessions.get(sessionId);
            if (s == null || s.invalidatedAt() != null || !s.tokenHash().equals(oldTokenHash)) {
                return false;
            }
            if (!newTokenHash.equals(oldTokenHash) && findByTokenHash(newTokenHash).isPresent()) {
                throw new IllegalStateException("token hash is taken by another session");
            }
            sessions.put(sessionId, new DeviceSession(s.id(), s.userId(), s.deviceId(), newTokenHash, s.createdAt(),
                    now, s.expiresAt(), null, null));
            return true;
        }
    }

    @Override
    public boolean touch(String sessionId, Instant now, Instant staleBefore) {
        synchronized (lock) {
            DeviceSession s = sessions.get(sessionId);
            if (s == null || s.invalidatedAt() != null || !s.lastActiveAt().isBefore(staleBefore)) {
                return false;
            }
            sessions.put(sessionId, new DeviceSession(s.id(), s.userId(), s.deviceId(), s.tokenHash(), s.createdAt(),
                    now, s.expiresAt(), null, null));
            return true;
        }
    }

    @Override
    public boolean invalidate(String sessionId, InvalidationReason reason, Instant now) {
        synchronized (lock) {
            DeviceSession s = sessions.get(sessionId);
            if (s == null || s.invalidatedAt() != null) {
                return false;
            }
            sessions.put(sessionId, ended(s, reason, now));
            return true;
        }
    }

    private static DeviceSession ended(DeviceSession s, InvalidationReason reason, Instant now) {
        return new DeviceSession(s.id(), s.userId(), s.deviceId(), s.tokenHash(), s.createdAt(), s.lastActiveAt(),
                s.expiresAt(), now, reason);
    }

    String dump() {
        synchronized (lock) {
            return users.values().stream().map(u -> u + "#" + u.pinHash()).toList() + "\n" + attempts + "\n" + sourceAttempts + "\n" + audit + "\n" + sessions.values().stream()
                    .map(s -> s + "#" + s.tokenHash() + "@" + s.lastActiveAt()).toList();
        }
    }
}
