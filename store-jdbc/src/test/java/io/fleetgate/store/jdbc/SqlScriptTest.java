package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.SqlScript;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlScriptTest {

    @Test
    void splitWhenSemicolonsInStringsCommentsAndIdentifiersThenKeptInsideStatements() {
        String script = """
                -- a comment; with a semicolon
                INSERT INTO t VALUES ('a;b', 'it''s; fine');
                /* block; comment */ SELECT "odd;name" FROM t;
                """;
        assertThat(SqlScript.split(script)).containsExactly(
                "-- a comment; with a semicolon\nINSERT INTO t VALUES ('a;b', 'it''s; fine')",
                "/* block; comment */ SELECT \"odd;name\" FROM t");
    }

    @Test
    void splitWhenDollarQuotedFunctionBodyThenOneStatement() {
        String script = """
                CREATE FUNCTION f() RETURNS trigger AS $$
                BEGIN
                  RAISE EXCEPTION 'no; never';
                END;
                $$ LANGUAGE plpgsql;
                CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
                SELECT 1""";
        assertThat(SqlScript.split(script)).hasSize(3)
                .first().asString().endsWith("$$ LANGUAGE plpgsql");
    }

    @Test
    void splitWhenSqliteTriggerWithCaseThenBodyKeptWhole() {
        String script = """
                CREATE TRIGGER no_update BEFORE UPDATE ON e
                BEGIN
                  SELECT CASE WHEN 1 THEN RAISE(ABORT, 'append-only; no updates') END;
                  SELECT 2;
                END;
                CREATE INDEX i ON e (x);
                """;
        assertThat(SqlScript.split(script)).hasSize(2)
                .last().isEqualTo("CREATE INDEX i ON e (x)");
    }

    @Test
    void splitWhenOnlyCommentsAndBlanksThenNothing() {
        assertThat(SqlScript.split("-- nothing\n\n;  ;\n-- more")).isEmpty();
    }
}
