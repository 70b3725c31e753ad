package io.fleetgate.exclusive;

import io.fleetgate.Ids;

/**
 * A merchant offering exclusive sessions. Immutable.
 *
 * @param id      the host's id
 * @param placeId the place id, or {@code null}
 * @param name    a display name, or {@code null}
 */
public record Merchant(String id, String placeId, String name) {
    /**
     * Checks and normalises the components.
     *
     * @param id the host's id
     * @param placeId the place id, or {@code null}
     * @param name a display name, or {@code null}
     */
    public Merchant {
        Ids.require("merchant_id", id);
        Ids.optional("place_id", placeId);
    }
}
