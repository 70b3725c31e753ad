package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.execution.DriverEventType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor console in a real browser, on PostgresSQL; never skipped. Adds a second host on
 * the same database: a driver's sync through it reaches the console on the first (LISTEN/NOTIFY).
 */
class PostgresConsoleBrowserTest extends ConsoleBrowserContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }

    @Test
    void consoleOnOneHostShowsADriversSyncThroughAnotherHostWithinTwoSecondsWithoutAReload() throws Exception {
        try (HttpHost second = WebApps.startAnother(db())) {
            Api other = new Api(second.port());
            JsonNode login = driverLogin(other);
            logInToTheConsole();
            browser.await(ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "ACTIVE"));
            onTheStream();

            send(other, login, DriverEventType.ROUTE_STARTED, null);
            browser.await(Duration.ofSeconds(2), ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status",
                    "EN_ROUTE"));

            shownWithoutAReload();
            assertThat(WebApps.requests(second, "/v1/driver/events")).as("synced through the second host").isEqualTo(1);
            assertThat(WebApps.requests(host, "/v1/driver/events")).as("not through the console's").isZero();
            notPolling(host);
        }
    }
}
