package io.fleetgate.exclusive;

import io.fleetgate.Ids;
import io.fleetgate.geo.Coordinate;

import java.util.Objects;

/**
 * An EV charger drivers activate exclusive sessions at. Immutable.
 *
 * @param id       the host's id
 * @param placeId  the place id (for example from a maps provider), or {@code null}
 * @param location where it is
 */
public record Charger(String id, String placeId, Coordinate location) {
    /**
     * Checks and normalises the components.
     *
     * @param id the host's id
     * @param placeId the place id (for example from a maps provider), or {@code null}
     * @param location where it is
     */
    public Charger {
        Ids.require("charger_id", id);
        Ids.optional("place_id", placeId);
        Objects.requireNonNull(location, "location");
    }
}
