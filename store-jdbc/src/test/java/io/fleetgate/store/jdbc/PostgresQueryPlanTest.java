package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class PostgresQueryPlanTest extends JdbcQueryPlanContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Override
    protected void analyze(String table) throws SQLException {
        JdbcAssertions.execute(((PostgresFixture) fixture()).ownerDataSource(), "ANALYZE " + table);
    }

    /**
     * As the system principal, in one transaction (also through a transaction pooler): the
     * statement {@code PREPARE}d with {@code plan_cache_mode = force_generic_plan}, analysed with
     * the values, deallocated.
     */
    @Override
    protected List<String> plan(String sql, Map<String, String> parameters) throws SQLException {
        String positional = sql;
        List<String> values = new ArrayList<>();
        for (String name : longestFirst(parameters)) {
            if (positional.contains(":" + name)) {
                values.add(parameters.get(name));
                positional = positional.replace(":" + name, "$" + values.size());
            }
        }
        String prepared = positional;
        return PostgresFixture.asSystem(ds(), c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                st.execute("PREPARE fleetgate_plan AS " + prepared);
                try {
                    return PostgresFixture.rows(c, "EXPLAIN (ANALYZE, BUFFERS) EXECUTE fleetgate_plan("
                            + String.join(", ", values) + ")").stream().map(r -> r.get(0)).toList();
                } finally {
                    st.execute("DEALLOCATE fleetgate_plan");
                }
            }
        });
    }
}
