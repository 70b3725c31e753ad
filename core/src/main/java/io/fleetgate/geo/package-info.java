/**
 * Geo utilities: {@link io.fleetgate.geo.Coordinate} (validated points),
 * {@link io.fleetgate.geo.Geo#distanceMeters} (haversine) and
 * {@link io.fleetgate.geo.Geofence} (circular fences that never let GPS accuracy widen access).
 */
package io.fleetgate.geo;
