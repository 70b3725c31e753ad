/**
 * Exclusive sessions at EV chargers (seed 000). Entry point:
 * {@link io.fleetgate.exclusive.ExclusiveSessionService}; storage contract:
 * {@link io.fleetgate.exclusive.ExclusiveSessionRepository} and
 * {@link io.fleetgate.exclusive.PlaceDirectory}.
 */
package io.fleetgate.exclusive;
