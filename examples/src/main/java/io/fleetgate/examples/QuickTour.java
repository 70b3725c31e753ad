package io.fleetgate.examples;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.store.jdbc.JdbcStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The README's tour of the library API, compiled and tested so that it stays true. Stateless.
 */
public final class QuickTour {
    private QuickTour() {
    }

    /**
     * Runs the tour on an SQLite file.
     *
     * @param file the database file (created if missing)
     * @param env  settings by name, as a host would pass {@code System.getenv()}
     * @return what happened, one line per step
     */
    public static String run(Path file, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        // --- README tour: begin ---
        try (JdbcStore store = JdbcStore.sqlite(file)) {                  // or builder().postgres(url).owner(…).runtime(…)
            Fleetgate fleetgate = Fleetgate.builder()                      // one per store; hands out every service
                    .store(store)
                    .settings(FleetgateSettings.fromEnv(env))              // CHARGER_RADIUS_M, EXCLUSIVE_DURATION_MIN, …
                    .clock(Clock.systemUTC())
                    .build();
            ExclusiveSessionService exclusive = fleetgate.exclusive();
            exclusive.upsertCharger(Principal.system(), new Charger("ch_456", "gp_ch_456", Coordinate.of(30.2672, -97.7431)));
            exclusive.upsertMerchant(Principal.system(), new Merchant("m_123", "gp_m_123", "Taco Stop"));

            Principal ana = Principal.driver("d_ana");                     // the host authenticated her
            ExclusiveSession s = exclusive.activate(ana, ActivateRequest.of("m_123", "ch_456", 30.2675, -97.7431));
            out.append(s.status()).append(' ').append(s.remainingSeconds(Clock.systemUTC().instant())).append(" s\n");

            try {
                exclusive.activate(ana, ActivateRequest.of("m_123", "ch_456", 30.2675, -97.7431));
            } catch (ActiveSessionExistsException e) {                     // sealed: one subtype per code, typed details
                out.append(e.code()).append(' ').append(e.existing().id().equals(s.id())).append('\n');
            }

            out.append(exclusive.complete(ana, s.id()).status()).append('\n');
        }
        // --- README tour: end ---
        return out.toString();
    }
}
