package io.fleetgate.store.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pooler setting where no PostgreSQL is needed: its names, the builder's ranges, and SQLite,
 * which has no pooler. (What it does on PostgreSQL: {@code PostgresPoolerTest}.)
 */
class PoolerTest {
    @TempDir
    Path dir;

    @Test
    void parseWhenANameInAnyCaseThenThatPoolerAndAnythingElseNamesTheValidValues() {
        assertThat(Pooler.parse("S", "none")).isEqualTo(Pooler.NONE);
        assertThat(Pooler.parse("S", " Transaction ")).isEqualTo(Pooler.TRANSACTION);
        assertThat(Pooler.parse("S", "SESSION")).isEqualTo(Pooler.SESSION);
        for (String wrong : java.util.Arrays.asList("statement", "", "transactions", null)) {
            assertThatThrownBy(() -> Pooler.parse("FLEETGATE_PG_POOLER", wrong)).as("%s", wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("FLEETGATE_PG_POOLER must be one of none, session, transaction");
        }
    }

    @Test
    void buildWhenSqliteWithAPoolerOrAListenUrlThenRefusedAndNoFileIsCreated() {
        Path file = dir.resolve("pooled.db");
        for (Pooler p : List.of(Pooler.SESSION, Pooler.TRANSACTION)) {
            assertThatThrownBy(() -> JdbcStore.builder().sqlite(file).pooler(p).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("SQLite has no pooler");
        }
        assertThatThrownBy(() -> JdbcStore.builder().sqlite(file).pooler(Pooler.TRANSACTION)
                .listenUrl("jdbc:postgresql://db/x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("listenUrl(…) goes with postgres(url)");
        assertThat(Files.exists(file)).isFalse();
        try (JdbcStore store = JdbcStore.builder().sqlite(file).pooler(Pooler.NONE).build()) {
            assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
        }
    }

    @Test
    void changePollIntervalWhenOutOfRangeThenRefusedByName() {
        JdbcStore.Builder b = JdbcStore.builder();
        assertThat(b.changePollInterval(Duration.ofMillis(50))).isSameAs(b);
        assertThat(b.changePollInterval(Duration.ofSeconds(60))).isSameAs(b);
        for (Duration wrong : List.of(Duration.ofMillis(49), Duration.ofSeconds(61), Duration.ZERO)) {
            assertThatThrownBy(() -> JdbcStore.builder().changePollInterval(wrong)).as("%s", wrong)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("changePollInterval");
        }
        assertThatThrownBy(() -> JdbcStore.builder().pooler(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("pooler");
    }
}
