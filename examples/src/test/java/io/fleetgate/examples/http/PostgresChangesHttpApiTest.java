package io.fleetgate.examples.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fleetgate.examples.http.HttpApiContract.ANA;
import static io.fleetgate.examples.http.HttpApiContract.ANA_PIN;
import static io.fleetgate.examples.http.HttpApiContract.SAM;
import static io.fleetgate.examples.http.HttpApiContract.SAM_PIN;
import static io.fleetgate.examples.http.HttpApiContract.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live change feed over HTTP on PostgreSQL: a fresh schema per test; and two hosts on one
 * database, where a stream on the first carries what a driver syncs through the second.
 */
class PostgresChangesHttpApiTest extends ChangesHttpApiContract {
    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }

    @Test
    void streamWhenADriverSyncsThroughAnotherHostThenThisHostsStreamCarriesIt() throws Exception {
        start();
        HttpHost second = startHost(false);
        Api other = new Api(second.port());
        String sam = token(SAM, SAM_PIN);
        Api.Reply login = other.post("/v1/auth/login", null, Map.of("username", ANA, "pin", ANA_PIN,
                "device_id", "ana-phone"));
        String ana = login.body().get("token").asText();
        Events events = open(host.port(), sam, null);
        events.nextEvent();

        assertThat(other.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("e-far", "ROUTE_STARTED", clock.instant().minusSeconds(5))))).status()).isEqualTo(200);

        assertThat(Api.JSON.readTree(events.nextEvent().get("data")).get("entity_id").asText()).isEqualTo("b_1");
        Map<String, String> change = events.nextEvent();
        assertThat(change).containsEntry("event", "change");
        assertThat(Api.JSON.readTree(change.get("data")).get("entity_id").asText()).isEqualTo("e-far");
    }
}
