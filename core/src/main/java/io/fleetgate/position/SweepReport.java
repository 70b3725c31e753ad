package io.fleetgate.position;

/**
 * What a {@link io.fleetgate.execution.PositionService#sweep} found. Immutable.
 *
 * @param quietRaised       QUIET alerts raised (one per silence; a silence already alerted is not counted)
 * @param arrivalsConfirmed unconfirmed arrivals that stored fixes now confirm
 */
public record SweepReport(int quietRaised, int arrivalsConfirmed) {
}
