package io.fleetgate.store.jdbc.internal;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.spi.PlaceDirectory;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link PlaceDirectory} on a JDBC database. Thread-safe. */
public final class JdbcPlaceDirectory implements PlaceDirectory {
    private final Tx tx;
    private final String upsertCharger;
    private final String upsertMerchant;
    private final String findCharger;
    private final String findMerchant;
    private final String findMerchantByPlace;

    /**
     * Creates the directory on the store's runner.
     *
     * @param tx the database
     */
    public JdbcPlaceDirectory(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.upsertCharger = SqlFiles.statement(d, "places/upsert_charger");
        this.upsertMerchant = SqlFiles.statement(d, "places/upsert_merchant");
        this.findCharger = SqlFiles.statement(d, "places/find_charger");
        this.findMerchant = SqlFiles.statement(d, "places/find_merchant");
        this.findMerchantByPlace = SqlFiles.statement(d, "places/find_merchant_by_place");
    }

    @Override
    public void upsertCharger(Charger charger) {
        Objects.requireNonNull(charger, "charger");
        upsert("charger", () -> tx.read(h -> h.createUpdate(upsertCharger)
                .bind("id", charger.id())
                .bind("place_id", charger.placeId())
                .bind("lat", charger.location().lat())
                .bind("lng", charger.location().lng())
                .execute()));
    }

    @Override
    public void upsertMerchant(Merchant merchant) {
        Objects.requireNonNull(merchant, "merchant");
        upsert("merchant", () -> tx.read(h -> h.createUpdate(upsertMerchant)
                .bind("id", merchant.id())
                .bind("place_id", merchant.placeId())
                .bind("name", merchant.name())
                .execute()));
    }

    private void upsert(String what, Supplier<Integer> work) {
        tx.unlessUniqueViolation(work, () -> {
            throw FleetgateException.invalid("place_id", "already belongs to another " + what);
        });
    }

    @Override
    public Optional<Charger> findCharger(String id) {
        return tx.readReference(h -> h.createQuery(findCharger).bind("id", id).mapTo(Charger.class).findOne());
    }

    @Override
    public Optional<Merchant> findMerchant(String id) {
        return tx.readReference(h -> h.createQuery(findMerchant).bind("id", id).mapTo(Merchant.class).findOne());
    }

    @Override
    public Optional<Merchant> findMerchantByPlaceId(String placeId) {
        return tx.readReference(h -> h.createQuery(findMerchantByPlace).bind("place_id", placeId).mapTo(Merchant.class).findOne());
    }
}
