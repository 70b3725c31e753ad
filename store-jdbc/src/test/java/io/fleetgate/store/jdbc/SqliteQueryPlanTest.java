package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

import java.util.List;
import java.util.Map;

class SqliteQueryPlanTest extends JdbcQueryPlanContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }

    @Override
    protected void analyze(String table) {
        // the store never runs ANALYZE on SQLite: the plan must hold without statistics
    }

    @Override
    protected List<String> plan(String sql, Map<String, String> parameters) throws java.sql.SQLException {
        String inlined = sql;
        for (String name : longestFirst(parameters)) {
            inlined = inlined.replace(":" + name, parameters.get(name));
        }
        return JdbcPositionStoreContract.rows(ds(), "EXPLAIN QUERY PLAN " + inlined).stream()
                .map(r -> String.join(" ", r)).toList();
    }
}
