package io.fleetgate.spi;

import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.Merchant;

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
     * @throws io.fleetgate.error.FleetgateException {@code INVALID_REQUEST} if its place id belongs to
     *                                         another charger
     */
    void upsertCharger(Charger charger);

    /**
     * Inserts the merchant or replaces the one with the same id; idempotent.
     *
     * @param merchant the merchant
     * @throws io.fleetgate.error.FleetgateException {@code INVALID_REQUEST} if its place id belongs to
     *                                         another merchant
     */
    void upsertMerchant(Merchant merchant);

    /**
     * {@return the charger, if known}
     *
     * @param id a charger id
     */
    Optional<Charger> findCharger(String id);

    /**
     * {@return the merchant, if known}
     *
     * @param id a merchant id
     */
    Optional<Merchant> findMerchant(String id);

    /**
     * {@return the merchant, if known}
     *
     * @param placeId a merchant place id
     */
    Optional<Merchant> findMerchantByPlaceId(String placeId);
}
