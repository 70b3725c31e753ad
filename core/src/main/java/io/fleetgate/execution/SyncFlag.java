package io.fleetgate.execution;

import io.fleetgate.PositionSettings;
import io.fleetgate.SyncSettings;
import io.fleetgate.internal.ArrivalPresence;
import io.fleetgate.internal.PositionStream;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import io.fleetgate.geo.GeofenceCheck;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sync stage 6, flag: the reasons a person should look at an accepted event. An arrival or a proof
 * outside its stop's geofence (GPS accuracy counts in the driver's favour here, never for access)
 * or without a location, and a driver's located event that implies a speed above
 * {@code MAX_SPEED_KMH} since their previous one. Reads the driver's last located event; refuses
 * nothing and writes nothing: a flag never stops an event.
 *
 * <p>Immutable and thread-safe; one per service, shared by every call.
 */
final class SyncFlag {
    private final SyncSettings settings;
    private final PositionSettings positions;

    SyncFlag(SyncSettings settings, PositionSettings positions) {
        this.settings = settings;
        this.positions = positions;
    }

    /** {@return the flag reasons, empty for none} */
    List<String> flags(SyncCall call, DriverEventRequest e, Batch b, StopEffects.Result r) {
        String driverId = b.driverId();
        List<String> flags = new ArrayList<>(2);
        if (e.type() == DriverEventType.ARRIVED_AT_STOP || e.type() == DriverEventType.PROOF_CAPTURED) {
            Integer index = r.stopIndex() != null ? r.stopIndex() : b.currentStopIndex();
            if (e.lat() == null) {
                flags.add("NO_LOCATION: " + e.type() + " without a location");
            } else if (index != null) {
                Stop stop = b.stops().get(index);
                var check = stop.fence().check(Coordinate.of(e.lat(), e.lng()), e.accuracyMeters());
                if (!check.plausiblyInside()) {
                    flags.add(check instanceof GeofenceCheck circle
                            ? String.format(Locale.ROOT, "OUTSIDE_GEOFENCE: %.0f m from stop %d (radius %.0f m)",
                                    circle.distanceMeters(), index, stop.radiusMeters())
                            : String.format(Locale.ROOT, "OUTSIDE_GEOFENCE: %.0f m outside stop %d's polygon",
                                    check.distanceOutsideMeters(), index));
                }
                if (e.type() == DriverEventType.ARRIVED_AT_STOP && driverId != null && positions.confirmFixes() > 0) {
                    ArrivalPresence.Verdict v = ArrivalPresence.judge(stop, e.recordedAt(),
                            call.fixes(driverId, ArrivalPresence.from(e.recordedAt(), positions),
                                    ArrivalPresence.to(e.recordedAt(), positions), positions.confirmWindow()), positions);
                    if (!v.confirmed()) {
                        flags.add(PositionStream.ARRIVAL_UNCONFIRMED + ": " + v.describe(positions) + " at stop " + stop.id());
                    }
                }
            }
        }
        if (e.lat() != null && driverId != null && driverId.equals(call.principal().userId())) {
            Optional<DriverEvent> prev = call.lastLocated(driverId);
            if (prev.isPresent()) {
                DriverEvent p = prev.get();
                double metres = Geo.haversineMeters(p.lat(), p.lng(), e.lat(), e.lng())
                        - orZero(p.accuracyMeters()) - orZero(e.accuracyMeters());
                double seconds = Math.abs(ChronoUnit.MICROS.between(p.recordedAt(), e.recordedAt())) / 1e6;
                if (metres > 0) {
                    double kmh = seconds == 0 ? Double.POSITIVE_INFINITY : metres / seconds * 3.6;
                    if (kmh > settings.maxSpeedKmh()) {
                        flags.add(String.format(Locale.ROOT, "IMPLAUSIBLE_SPEED: %.0f km/h since event %s",
                                Math.min(kmh, 1e9), p.eventId()));
                    }
                }
            }
        }
        flags.addAll(r.flags());
        return flags;
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
