/**
 * Exclusive sessions at EV chargers (seed 000). Entry point:
 * {@link io.fleetgate.exclusive.ExclusiveSessionService}; storage contract:
 * {@link io.fleetgate.spi.ExclusiveSessionRepository} and
 * {@link io.fleetgate.spi.PlaceDirectory}.
 */
package io.fleetgate.exclusive;
