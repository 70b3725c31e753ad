/**
 * Supervisor tools (seed 004, "For Supervisors"): {@link io.fleetgate.supervisor.SupervisorService}.
 */
package io.fleetgate.supervisor;
