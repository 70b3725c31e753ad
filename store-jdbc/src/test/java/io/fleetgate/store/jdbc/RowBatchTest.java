package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.RowBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowBatchTest {

    @Test
    void positionalWhenNamedParametersThenQuestionMarksAndNamesInOrder() {
        List<String> names = new ArrayList<>();

        String sql = RowBatch.positional("INSERT INTO t (a, b_2) VALUES (:a, :b_2) ON CONFLICT (a) DO NOTHING", names);

        assertThat(sql).isEqualTo("INSERT INTO t (a, b_2) VALUES (?, ?) ON CONFLICT (a) DO NOTHING");
        assertThat(names).containsExactly("a", "b_2");
    }

    @Test
    void positionalWhenColonsInQuotesCommentsAndCastsThenLeftAlone() {
        List<String> names = new ArrayList<>();

        String sql = RowBatch.positional("SELECT ':no', 'it''s :no', \":no\", x::text, :yes -- :no\n, :also", names);

        assertThat(sql).isEqualTo("SELECT ':no', 'it''s :no', \":no\", x::text, ? -- :no\n, ?");
        assertThat(names).containsExactly("yes", "also");
    }

    @Test
    void newWhenBindersAndParametersDisagreeThenRefusedAtConstruction() {
        RowBatch.Binder<String> any = (st, i, row) -> st.setString(i, row);

        assertThatThrownBy(() -> new RowBatch<>("INSERT INTO t VALUES (:a, :b)", Map.of("a", any)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(":b");
        assertThatThrownBy(() -> new RowBatch<>("INSERT INTO t VALUES (:a)", Map.of("a", any, "c", any)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("[c]");
        assertThatThrownBy(() -> new RowBatch<>("INSERT INTO t VALUES (?)", Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }
}
