package io.fleetgate.contract;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.spi.PlaceDirectory;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The behaviour of a {@link PlaceDirectory}; run against every store by a thin subclass. */
public abstract class PlaceDirectoryContract extends StoreContract {

    @Test
    void upsertChargerWhenNewThenFoundWithLocation() {
        Charger c = new Charger("ch_1", "gp_1", Coordinate.of(-33.8688, 151.2093));
        store().places().upsertCharger(c);
        assertThat(store().places().findCharger("ch_1")).contains(c);
        assertThat(store().places().findCharger("ch_2")).isEmpty();
    }

    @Test
    void upsertChargerWhenSameIdAgainThenReplacedAndIdempotent() {
        store().places().upsertCharger(new Charger("ch_1", "gp_1", Coordinate.of(1, 2)));
        Charger moved = new Charger("ch_1", "gp_9", Coordinate.of(3, 4));
        store().places().upsertCharger(moved);
        String once = fixture().snapshot();
        store().places().upsertCharger(moved);

        assertThat(store().places().findCharger("ch_1")).contains(moved);
        assertThat(fixture().snapshot()).isEqualTo(once);
    }

    @Test
    void upsertChargerWhenPlaceIdBelongsToAnotherThenInvalidAndUnchanged() {
        store().places().upsertCharger(new Charger("ch_1", "gp_1", Coordinate.of(1, 2)));
        String before = fixture().snapshot();

        assertThatThrownBy(() -> store().places().upsertCharger(new Charger("ch_2", "gp_1", Coordinate.of(1, 2))))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.details()).containsEntry("field", "place_id");
                });
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void upsertMerchantWhenNewOrReplacedThenFoundByIdAndPlaceId() {
        store().places().upsertMerchant(new Merchant("m_1", "gp_m_1", "Taco Stop"));
        store().places().upsertMerchant(new Merchant("m_1", "gp_m_2", null));

        assertThat(store().places().findMerchant("m_1")).contains(new Merchant("m_1", "gp_m_2", null));
        assertThat(store().places().findMerchantByPlaceId("gp_m_2")).contains(new Merchant("m_1", "gp_m_2", null));
        assertThat(store().places().findMerchantByPlaceId("gp_m_1")).isEmpty();
    }

    @Test
    void upsertMerchantWhenPlaceIdBelongsToAnotherThenInvalid() {
        store().places().upsertMerchant(new Merchant("m_1", "gp_m_1", "A"));
        assertThatThrownBy(() -> store().places().upsertMerchant(new Merchant("m_2", "gp_m_1", "B")))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThat(store().places().findMerchant("m_2")).isEmpty();
    }

    @Test
    void upsertWhenPlaceIdsAbsentThenManyPlacesWithoutOne() {
        store().places().upsertMerchant(new Merchant("m_1", null, "A"));
        store().places().upsertMerchant(new Merchant("m_2", null, "B"));
        store().places().upsertCharger(new Charger("ch_1", null, Coordinate.of(0, 0)));
        store().places().upsertCharger(new Charger("ch_2", null, Coordinate.of(0, 0)));

        assertThat(store().places().findMerchant("m_2")).isPresent();
        assertThat(store().places().findCharger("ch_2")).isPresent();
    }
}
