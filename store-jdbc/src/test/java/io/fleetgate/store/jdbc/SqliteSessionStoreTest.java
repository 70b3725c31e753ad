package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;

class SqliteSessionStoreTest extends JdbcSessionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }

    @Override
    protected boolean isUniqueViolation(SQLException e) {
        return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
    }
}
