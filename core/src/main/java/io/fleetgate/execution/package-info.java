/**
 * Driver execution of delivery batches (seed 004). Entry point:
 * {@link io.fleetgate.execution.DriverStateMachine}, which decides whether a
 * {@link io.fleetgate.execution.DriverEventType} is allowed from a
 * {@link io.fleetgate.execution.DriverStatus} and where it leads;
 * {@link io.fleetgate.execution.StateDiagram} draws its table.
 */
package io.fleetgate.execution;
