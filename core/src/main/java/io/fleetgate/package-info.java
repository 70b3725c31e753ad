/**
 * fleetgate's shared vocabulary: {@link io.fleetgate.Principal} (who acts),
 * {@link io.fleetgate.error.ErrorCode} and {@link io.fleetgate.error.FleetgateException} (every refusal),
 * {@link io.fleetgate.FleetgateSettings} (the tunable rules) and
 * {@link io.fleetgate.spi.FleetgateStore} (where records live). Services live in the sub-packages;
 * start with {@link io.fleetgate.exclusive.ExclusiveSessionService}.
 */
package io.fleetgate;
