package io.fleetgate.exclusive;

import java.util.Optional;

/**
 * Chargers and merchants, the reference data activation checks against. Implementations are
 * thread-safe.
 */
public interface PlaceDirectory {

    /**
     * Inserts the charger or replaces the one with the same id; idempotent.
     *
     * @param charger the charger
     * @throws io.fleetgate.FleetgateException {@code INVALID_REQUEST} if its place id belongs to
     *                                         another charger
     */
    void upsertCharger(Charger charger);

    /**
     * Inserts the merchant or replaces the one with the same id; idempotent.
     *
     * @param merchant the merchant
     * @throws io.fleetgate.FleetgateException {@code INVALID_REQUEST} if its place id belongs to
     *                                         another merchant
     */
    void upsertMerchant(Merchant merchant);

    /**
     * @param id a charger id
     * @return the charger, if known
     */
    Optional<Charger> findCharger(String id);

    /**
     * @param id a merchant id
     * @return the merchant, if known
     */
    Optional<Merchant> findMerchant(String id);

    /**
     * @param placeId a merchant place id
     * @return the merchant, if known
     */
    Optional<Merchant> findMerchantByPlaceId(String placeId);
}
