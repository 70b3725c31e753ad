package io.fleetgate.execution;

import io.fleetgate.StopSettings;

import java.util.List;

/**
 * Rebuilds a batch from its log: the batch as created, then each logged event applied in log order
 * by the same code the sync pipeline runs ({@link StopEffects}), to the status the log recorded.
 * What a store holds for a batch must equal its replay; the property tests hold the pipeline to
 * that. Pure and thread-safe.
 */
public final class BatchReplay {
    private final StopEffects effects;

    /**
     * A replay under these stop rules.
     *
     * @param settings the stop settings the batch's events were accepted under
     */
    public BatchReplay(StopSettings settings) {
        this.effects = new StopEffects(new StopRules(settings));
    }

    /**
     * {@return the batch after the events}
     *
     * @param created the batch as created (version 0) or at any version
     * @param log     its events after that version, in log order ({@link DriverEvent#batchVersion()})
     * @throws io.fleetgate.error.FleetgateException if an event does not apply: a log that does not
     *                                               replay is corrupt
     */
    public Batch replay(Batch created, List<DriverEvent> log) {
        Batch b = created;
        for (DriverEvent e : log) {
            Batch after = effects.apply(b, StopEffects.Step.of(e), e.status(), e.syncedAt()).after();
            b = new Batch(after.id(), after.workspaceId(), e.driverId() == null ? after.driverId() : e.driverId(),
                    after.status(), after.currentStopIndex(), after.actualStartTime(), after.actualEndTime(),
                    after.metadata(), e.batchVersion(), after.stops(), after.visitedStops(), after.progress(),
                    after.removedStops(), after.corridor(), after.createdAt(), after.updatedAt());
        }
        return b;
    }
}
