package io.fleetgate.supervisor;

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
import io.fleetgate.internal.StaleReads;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The change feed (issue #18): every committed change a principal may see, in commit order, with
 * a cursor to resume from that never skips one. The store records the changes itself as it writes
 * the source rows (see {@link ChangeLog} and {@code docs/changes.md}); this service decides who
 * may read which workspace's feed, checks cursors and limits, and purges by age.
 *
 * <p>Who sees what: a supervisor or member reads their workspace's feed; a driver reads, in a
 * workspace they are a member of, only the changes about themselves; the system reads any
 * workspace's feed, named by {@code workspaceId} (or by the cursor). Checked before anything of the
 * feed is read.
 *
 * <p>A cursor is opaque text naming a workspace and a position in its feed. A {@code null} cursor
 * reads from the oldest retained change; {@link #head} gives the cursor of "now", to follow only
 * what happens from then on. A cursor that is not one this service issued is refused
 * ({@code INVALID_REQUEST}, field {@code cursor}); one of another workspace, or beyond the newest
 * change the principal can see, is {@code NOT_FOUND} ("cursor"), as other ids are; one older than
 * what the purge kept is {@code NOT_FOUND} with {@link NotFoundException#what()} {@value
 * #EXPIRED_CURSOR}: the changes after it are gone, and the reader must start again from
 * {@link #head} or from the oldest retained (a {@code null} cursor).
 *
 * <p>Reads answer at once. A reader that wants to wait for news {@linkplain #subscribe subscribes}
 * to the workspace and reads again when woken: the store tells this service which workspaces'
 * feeds may have grown ({@link ChangeLog#watch}; on PostgreSQL through {@code LISTEN}, so commits
 * of every host sharing the database wake readers here), and it wakes their subscribers.
 * Thread-safe.
 */
public final class ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** The most changes one page returns. */
    public static final int MAX_LIMIT = 1000;
    /** {@link NotFoundException#what()} of a cursor older than the feed's retention. */
    public static final String EXPIRED_CURSOR = "expired cursor";
    private static final String PREFIX = "f1:";

    private final Context context;
    private final ChangeLog log;
    private final WorkspaceDirectory directory;
    /** The subscribers' wake-ups by workspace; a workspace without any has no entry. */
    private final ConcurrentHashMap<String, Set<Subscription>> waiting = new ConcurrentHashMap<>();
    /** The store's watch, started by the first subscription; guarded by {@code this}. */
    private ChangeLog.Watch watch;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public ChangeFeed(Context context) {
        this.context = context;
        this.log = context.store().changes();
        this.directory = context.store().workspaces();
    }

    /**
     * The changes after {@code cursor} in the cursor's workspace, or, for a {@code null} cursor,
     * from the oldest retained change of the principal's workspace (supervisors and members).
     * Drivers and the system name the workspace with a cursor or through
     * {@link #changes(Principal, String, String, int)}.
     *
     * @param principal a supervisor, member, driver or the system
     * @param cursor    a cursor from a page or from {@link #head}, or {@code null}
     * @param limit     1 to {@value #MAX_LIMIT}
     * @return the page
     * @throws InvalidRequestException   for a malformed cursor ({@code cursor}), a limit out of range
     *                                   ({@code limit}), or a {@code null} cursor from a driver or
     *                                   the system ({@code workspace_id})
     * @throws NotFoundException         for a cursor of another workspace, beyond the newest change,
     *                                   or expired ({@value #EXPIRED_CURSOR})
     * @throws StoreUnavailableException if the store fails
     */
    public ChangePage changes(Principal principal, String cursor, int limit) {
        return changes(principal, null, cursor, limit);
    }

    /**
     * The changes of a workspace after {@code cursor}, or from its oldest retained change.
     *
     * @param principal   a supervisor or member of the workspace, a driver who is a member of it
     *                    (their own changes only), or the system
     * @param workspaceId the workspace, or {@code null} to take it from the cursor or, for
     *                    supervisors and members, from the principal
     * @param cursor      a cursor from a page or from {@link #head}, or {@code null}
     * @param limit       1 to {@value #MAX_LIMIT}
     * @return the page
     * @throws InvalidRequestException   for a malformed cursor ({@code cursor}) or workspace id
     *                                   ({@code workspace_id}), a limit out of range ({@code limit}),
     *                                   or no workspace at all ({@code workspace_id})
     * @throws NotFoundException         for a workspace the principal may not read, a cursor of another
     *                                   workspace than the one named, beyond the newest change, or
     *                                   expired ({@value #EXPIRED_CURSOR})
     * @throws StoreUnavailableException if the store fails
     */
    public ChangePage changes(Principal principal, String workspaceId, String cursor, int limit) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            if (limit < 1 || limit > MAX_LIMIT) {
                throw FleetgateException.invalid("limit", "must be 1 to " + MAX_LIMIT);
            }
            Position from = cursor == null ? null : Position.decode(cursor);
            Scope s = scope(principal, workspaceId, from);
            long after;
            if (from == null) {
                after = log.floor(s.workspaceId);
            } else {
                after = check(s, from);
            }
            // the page may come from a replica that lags (the store reads a page that is not full
            // from the primary, so a reader at the tail never waits on the replica); the cursor was
            // checked above against the primary
            long afterSeq = after;
            List<Change> changes = StaleReads.allow(() -> log.findChanges(s.workspaceId, s.driverId, afterSeq, limit));
            long last = changes.isEmpty() ? after : changes.get(changes.size() - 1).seq();
            return new ChangePage(changes, new Position(s.workspaceId, last).encode());
        }
    }

    /**
     * {@return the cursor after the newest change the principal can see in the workspace: reading
     * from it returns only what is committed from then on}
     *
     * @param principal   as {@link #changes(Principal, String, String, int)}
     * @param workspaceId the workspace, or {@code null} for a supervisor's or member's own
     * @throws InvalidRequestException   for a malformed workspace id, or none from a driver or the system
     * @throws NotFoundException         for a workspace the principal may not read
     * @throws StoreUnavailableException if the store fails
     */
    public String head(Principal principal, String workspaceId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            Scope s = scope(principal, workspaceId, null);
            return new Position(s.workspaceId, log.head(s.workspaceId, s.driverId)).encode();
        }
    }

    /**
     * {@return the cursor that resumes right after {@code change}: what a host sends as an event's
     * id, so that a reader cut off in the middle of a page resumes after the last change it got}
     *
     * @param change a change of a page this service answered
     */
    public String cursorAfter(Change change) {
        return new Position(change.workspaceId(), change.seq()).encode();
    }

    /**
     * Calls {@code wake} whenever changes may have been committed to the workspace the principal
     * reads (named as for {@link #head}), until the subscription is closed: the push behind a
     * reader that waits for news. A wake-up carries no change and promises none the principal can
     * see: it says "read again from your cursor". It may come for nothing new (and a driver's, for
     * a change about another driver: they then read nothing), and it runs on a thread of the
     * store's, so {@code wake} must return at once and hand any read to a thread of its own. Read
     * after subscribing, not before, or a change committed in between waits for the next one.
     *
     * <p>The first subscription starts the store's watch ({@link ChangeLog#watch}), which runs
     * until the store is closed: on PostgreSQL one listening connection for this service, however
     * many subscribe. Access is checked first, as for {@link #head}; nothing is written.
     *
     * @param principal   as {@link #changes(Principal, String, String, int)}
     * @param workspaceId the workspace, or {@code null} for a supervisor's or member's own
     * @param wake        runs on each wake-up; must not block; what it throws is logged
     * @return the subscription; close it to stop the wake-ups
     * @throws InvalidRequestException   for a malformed workspace id, or none from a driver or the system
     * @throws NotFoundException         for a workspace the principal may not read
     * @throws StoreUnavailableException if the store fails
     */
    public Subscription subscribe(Principal principal, String workspaceId, Runnable wake) {
        Objects.requireNonNull(wake, "wake");
        String workspace;
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            workspace = scope(principal, workspaceId, null).workspaceId;
        }
        startWatch();
        Subscription subscription = new Subscription(workspace, wake);
        waiting.compute(workspace, (ws, set) -> {
            Set<Subscription> wakes = set != null ? set : ConcurrentHashMap.newKeySet();
            wakes.add(subscription);
            return wakes;
        });
        return subscription;
    }

    /** {@return how many subscriptions are open, over all workspaces} */
    public int subscribers() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    private synchronized void startWatch() {
        if (watch == null) {
            watch = log.watch(this::wakeUp);
        }
    }

    private void wakeUp(String workspaceId) {
        if (workspaceId == null) {
            waiting.values().forEach(wakes -> wakes.forEach(ChangeFeed::wake));
        } else {
            Set<Subscription> wakes = waiting.get(workspaceId);
            if (wakes != null) {
                wakes.forEach(ChangeFeed::wake);
            }
        }
    }

    private static void wake(Subscription subscription) {
        try {
            subscription.fire();
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("change_wake_failed").addKeyValue("exception", e.getClass().getName()).log();
        }
    }

    /**
     * An open {@link #subscribe subscription}; once {@link #close()} has returned it is never woken
     * again (idempotent).
     */
    public final class Subscription implements AutoCloseable {
        private final String workspaceId;
        private final Runnable wake;
        private volatile boolean open = true;

        private Subscription(String workspaceId, Runnable wake) {
            this.workspaceId = workspaceId;
            this.wake = wake;
        }

        /** {@return the workspace whose changes wake it} */
        public String workspaceId() {
            return workspaceId;
        }

        /** Runs the subscriber's wake-up while open. */
        private void fire() {
            if (open) {
                wake.run();
            }
        }

        @Override
        public void close() {
            open = false;
            waiting.computeIfPresent(workspaceId, (ws, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * Removes the changes older than the retention ({@code CHANGE_RETENTION_D}): in each workspace,
     * every change up to the newest one (in feed order) whose instant lies before now minus the
     * retention. Cursors pointing before what is removed then answer {@value #EXPIRED_CURSOR}.
     *
     * @param principal the system
     * @return how many changes were removed
     * @throws ForbiddenException        for anyone but the system (nothing is removed)
     * @throws StoreUnavailableException if the store fails
     */
    public long purge(Principal principal) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            if (!(Objects.requireNonNull(principal, "principal") instanceof Principal.System)) {
                throw FleetgateException.forbidden("only the system purges the change feed");
            }
            Instant before = context.now().minus(context.settings().changeRetention());
            long removed = log.purge(before);
            LOG.atInfo().setMessage("changes_purged").addKeyValue("removed", removed)
                    .addKeyValue("before", before).log();
            return removed;
        }
    }

    private long check(Scope s, Position from) {
        if (!from.workspaceId.equals(s.workspaceId)) {
            throw FleetgateException.notFound("cursor", "of another workspace");
        }
        long floor = log.floor(s.workspaceId);
        if (from.seq < floor) {
            throw FleetgateException.notFound(EXPIRED_CURSOR, "older than the feed's retention (start again from the head"
                    + " or the oldest retained change)");
        }
        if (from.seq > log.head(s.workspaceId, s.driverId)) {
            throw FleetgateException.notFound("cursor", "beyond the newest change");
        }
        return from.seq;
    }

    /** Who reads which workspace, decided before anything of the feed is read. */
    private Scope scope(Principal principal, String workspaceId, Position from) {
        if (workspaceId != null) {
            Ids.require("workspace_id", workspaceId);
        }
        String named = workspaceId != null ? workspaceId : from != null ? from.workspaceId : null;
        if (principal instanceof Principal.Supervisor sup) {
            return own(sup.workspaceId(), workspaceId, from);
        }
        if (principal instanceof Principal.Member m) {
            return own(m.workspaceId(), workspaceId, from);
        }
        if (named == null) {
            throw FleetgateException.invalid("workspace_id", "is required for drivers and the system");
        }
        if (principal instanceof Principal.Driver d) {
            boolean member = directory.findMemberships(d.userId()).stream()
                    .anyMatch(ms -> ms.workspaceId().equals(named));
            if (!member) {
                LOG.atInfo().setMessage("changes_refused").addKeyValue("user_id", LogValues.text(d.userId()))
                        .addKeyValue("reason", "not_a_member").log();
                throw FleetgateException.notFound("workspace", named);
            }
            return new Scope(named, d.userId());
        }
        if (directory.findWorkspace(named).isEmpty()) {
            throw FleetgateException.notFound("workspace", named);
        }
        return new Scope(named, null);
    }

    private static Scope own(String own, String workspaceId, Position from) {
        if (workspaceId != null && !workspaceId.equals(own)) {
            throw FleetgateException.notFound("workspace", workspaceId);
        }
        if (from != null && !from.workspaceId.equals(own)) {
            throw FleetgateException.notFound("cursor", "of another workspace");
        }
        return new Scope(own, null);
    }

    private record Scope(String workspaceId, String driverId) {
    }

    /** A cursor: the workspace and the seq of the last change read, as {@code base64url("f1:<seq>:<workspace>")}. */
    private record Position(String workspaceId, long seq) {
        String encode() {
            String text = PREFIX + seq + ":" + workspaceId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String text) {
            try {
                if (text.length() > 200) {
                    throw new IllegalArgumentException("too long");
                }
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                if (!plain.startsWith(PREFIX)) {
                    throw new IllegalArgumentException("prefix");
                }
                int colon = plain.indexOf(':', PREFIX.length());
                String digits = plain.substring(PREFIX.length(), colon);
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("seq");
                }
                return new Position(Ids.require("cursor", plain.substring(colon + 1)), Long.parseLong(digits));
            } catch (RuntimeException e) {
                throw FleetgateException.invalid("cursor", "is not a cursor this service issued");
            }
        }
    }
}
