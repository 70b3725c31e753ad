package io.fleetgate.store.jdbc.internal;

import io.fleetgate.internal.Json;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.argument.QualifiedArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericType;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.ColumnMapperFactory;
import org.jdbi.v3.core.qualifier.QualifiedType;
import org.jdbi.v3.core.qualifier.Qualifier;

import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How each kind of value the store keeps is bound and read on one database, in one place, and
 * registered on its {@link Jdbi} once ({@link #install}): instants as the dialect stores them
 * (PostgreSQL {@code timestamptz}, SQLite integer microseconds since the epoch), enums as their
 * name, JSON (a value {@linkplain #JSON qualified} {@link JsonText}) as the dialect stores JSON, in
 * fleetgate's canonical encoding ({@link Json#write}). Repositories then bind values as they are
 * ({@code .bind("at", instant)}, {@code .bindByType("payload", map, Values.JSON)}) and map rows with
 * {@code .mapTo(Type.class)} ({@link Rows}). The plain JDBC batches of the hot write paths
 * ({@link RowBatch}) bind through the same {@link Setter}s. Immutable and thread-safe.
 */
public final class Values {
    /** Marks a value stored as JSON text: a Jdbi {@link Qualifier}. */
    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.TYPE_USE})
    public @interface JsonText {
    }

    /** The one {@link JsonText} instance (made here, not by a reflective proxy). */
    private static final JsonText JSON_TEXT = new JsonText() {
        @Override
        public Class<? extends Annotation> annotationType() {
            return JsonText.class;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JsonText;
        }

        @Override
        public int hashCode() {
            return 0; // an annotation without members
        }

        @Override
        public String toString() {
            return "@" + JsonText.class.getName() + "()";
        }
    };

    /** Any value bound as JSON: {@code .bindByType("payload", map, Values.JSON)}. */
    public static final QualifiedType<Object> JSON = QualifiedType.of(Object.class).with(JSON_TEXT);
    /** A JSON object column read as a map ({@link Json#parseObject}: sorted, {@link BigDecimal} numbers). */
    public static final QualifiedType<Map<String, Object>> JSON_OBJECT =
            QualifiedType.of(new GenericType<Map<String, Object>>() { }).with(JSON_TEXT);
    /** A JSON array of integers. */
    public static final QualifiedType<List<Integer>> JSON_INTEGERS =
            QualifiedType.of(new GenericType<List<Integer>>() { }).with(JSON_TEXT);
    /** A JSON array of strings. */
    public static final QualifiedType<List<String>> JSON_STRINGS =
            QualifiedType.of(new GenericType<List<String>>() { }).with(JSON_TEXT);

    /**
     * Binds one value on a plain JDBC statement, {@code null} included.
     *
     * @param <V> the value's type
     */
    @FunctionalInterface
    public interface Setter<V> {
        /**
         * Binds it.
         *
         * @param statement the statement
         * @param position  the 1-based parameter index
         * @param value     the value, or {@code null}
         * @throws SQLException if the driver fails
         */
        void set(PreparedStatement statement, int position, V value) throws SQLException;
    }

    private static final Setter<String> TEXT = PreparedStatement::setString;
    private static final Setter<Enum<?>> NAME = (st, i, v) -> st.setString(i, v == null ? null : v.name());
    private static final Setter<Long> LONG = (st, i, v) -> {
        if (v == null) {
            st.setNull(i, Types.BIGINT);
        } else {
            st.setLong(i, v);
        }
    };
    private static final Setter<Integer> INTEGER = (st, i, v) -> {
        if (v == null) {
            st.setNull(i, Types.INTEGER);
        } else {
            st.setInt(i, v);
        }
    };
    private static final Setter<Double> DOUBLE = (st, i, v) -> {
        if (v == null) {
            st.setNull(i, Types.DOUBLE);
        } else {
            st.setDouble(i, v);
        }
    };
    private static final Setter<Boolean> BOOLEAN = (st, i, v) -> {
        if (v == null) {
            st.setNull(i, Types.BOOLEAN);
        } else {
            st.setBoolean(i, v);
        }
    };

    private final Setter<Instant> instant;
    private final Setter<Object> json;
    private final ColumnMapper<Instant> instantColumn;
    private final ColumnMapper<Map<String, Object>> jsonObjectColumn;
    private final ColumnMapper<List<Integer>> jsonIntegersColumn;
    private final ColumnMapper<List<String>> jsonStringsColumn;
    private final ColumnMapper<Object> jsonValueColumn;

    /**
     * The values of one database.
     *
     * @param dialect its dialect
     */
    public Values(SqlDialect dialect) {
        this.instant = dialect::setInstant;
        this.json = (st, i, v) -> dialect.setJson(st, i, v == null ? null : Json.write(v));
        this.instantColumn = (rs, i, ctx) -> dialect.instant(rs, i);
        this.jsonObjectColumn = (rs, i, ctx) -> Json.parseObject(dialect.json(rs, i));
        this.jsonIntegersColumn = (rs, i, ctx) -> {
            List<Integer> out = new ArrayList<>();
            for (Object o : array(dialect.json(rs, i))) {
                out.add(((BigDecimal) o).intValueExact());
            }
            return out;
        };
        this.jsonStringsColumn = (rs, i, ctx) -> {
            List<String> out = new ArrayList<>();
            for (Object o : array(dialect.json(rs, i))) {
                out.add((String) o);
            }
            return out;
        };
        this.jsonValueColumn = (rs, i, ctx) -> {
            String text = dialect.json(rs, i);
            return text == null ? null : Json.parse(text);
        };
    }

    /**
     * Registers every argument factory, column mapper and row mapper of the store on a Jdbi.
     *
     * @param jdbi    a Jdbi on the store's database
     * @param dialect its dialect
     * @return {@code jdbi}
     */
    public static Jdbi install(Jdbi jdbi, SqlDialect dialect) {
        Values v = new Values(dialect);
        jdbi.registerArgument(new TypedArguments(Instant.class, v.instant));
        jdbi.registerArgument(new TypedArguments(Enum.class, NAME));
        jdbi.registerArgument((QualifiedArgumentFactory) (type, value, config) -> type.hasQualifier(JsonText.class)
                ? Optional.of((position, statement, ctx) -> v.json.set(statement, position, value)) : Optional.empty());
        jdbi.registerColumnMapper(Instant.class, v.instantColumn);
        jdbi.registerColumnMapper(new EnumsByName());
        jdbi.registerColumnMapper(JSON_OBJECT, v.jsonObjectColumn);
        jdbi.registerColumnMapper(JSON_INTEGERS, v.jsonIntegersColumn);
        jdbi.registerColumnMapper(JSON_STRINGS, v.jsonStringsColumn);
        Rows.install(jdbi, v);
        return jdbi;
    }

    /**
     * {@return a binder of one column of a {@link RowBatch}: the getter's value, bound as a value of that
     * type is bound everywhere else}
     *
     * @param type   the value's type: {@code String}, {@code Long}, {@code Integer}, {@code Double},
     *               {@code Boolean}, {@code Instant} or an enum
     * @param getter reads it from a row
     * @param <T>    the row type
     * @param <V>    the value type
     * @throws IllegalArgumentException for another type
     */
    @SuppressWarnings("unchecked")
    public <T, V> RowBatch.Binder<T> column(Class<V> type, Function<? super T, ? extends V> getter) {
        Setter<? super V> set;
        if (type == String.class) {
            set = (Setter<? super V>) TEXT;
        } else if (type == Long.class) {
            set = (Setter<? super V>) LONG;
        } else if (type == Integer.class) {
            set = (Setter<? super V>) INTEGER;
        } else if (type == Double.class) {
            set = (Setter<? super V>) DOUBLE;
        } else if (type == Boolean.class) {
            set = (Setter<? super V>) BOOLEAN;
        } else if (type == Instant.class) {
            set = (Setter<? super V>) instant;
        } else if (type.isEnum()) {
            set = (Setter<? super V>) (Setter<?>) NAME;
        } else {
            throw new IllegalArgumentException("no setter for " + type.getName() + "; JSON columns take json(…)");
        }
        return (st, i, row) -> set.set(st, i, getter.apply(row));
    }

    /**
     * {@return a binder of one JSON column of a {@link RowBatch}}
     *
     * @param getter reads the value (a map, a list…) from a row
     * @param <T>    the row type
     */
    public <T> RowBatch.Binder<T> json(Function<? super T, ?> getter) {
        return (st, i, row) -> json.set(st, i, getter.apply(row));
    }

    /** {@return the column mapper of instants} */
    ColumnMapper<Instant> instants() {
        return instantColumn;
    }

    /** {@return the column mapper of JSON objects} */
    ColumnMapper<Map<String, Object>> jsonObjects() {
        return jsonObjectColumn;
    }

    /** {@return the column mapper of JSON arrays of integers} */
    ColumnMapper<List<Integer>> jsonIntegers() {
        return jsonIntegersColumn;
    }

    /** {@return the column mapper of JSON arrays of strings} */
    ColumnMapper<List<String>> jsonStrings() {
        return jsonStringsColumn;
    }

    /**
     * {@return the column mapper of any JSON value, as {@link Json#parse} reads it; {@code null} for
     * SQL NULL (the nullable JSON columns of V11: {@link StopJson} reads what it returns)}
     */
    ColumnMapper<Object> jsonValues() {
        return jsonValueColumn;
    }

    /**
     * {@return the value there, {@code null} for SQL NULL}
     *
     * @param rs     a result set on a row
     * @param column the column
     * @throws SQLException if the driver fails
     */
    static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /**
     * {@return the value there, {@code null} for SQL NULL}
     *
     * @param rs     a result set on a row
     * @param column the column
     * @throws SQLException if the driver fails
     */
    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /**
     * {@return the enum constant named there, {@code null} for SQL NULL}
     *
     * @param rs     a result set on a row
     * @param column the column
     * @param type   the enum
     * @param <E>    the enum
     * @throws SQLException if the driver fails
     * @throws IllegalArgumentException if no constant has that name
     */
    static <E extends Enum<E>> E name(ResultSet rs, String column, Class<E> type) throws SQLException {
        String name = rs.getString(column);
        return name == null ? null : Enum.valueOf(type, name);
    }

    private static List<?> array(String json) {
        if (!(Json.parse(json) instanceof List<?> list)) {
            throw new IllegalStateException("expected a JSON array in the database, found " + json);
        }
        return list;
    }

    /**
     * Arguments for the values of one type and its subclasses (an enum constant with a body is a
     * subclass of its enum), {@code null} included when the type is declared ({@code bindByType}).
     */
    private static final class TypedArguments implements ArgumentFactory.Preparable {
        private final Class<?> type;
        private final Setter<Object> setter;

        @SuppressWarnings("unchecked")
        TypedArguments(Class<?> type, Setter<?> setter) {
            this.type = type;
            this.setter = (Setter<Object>) setter;
        }

        @Override
        public Optional<Function<Object, Argument>> prepare(Type declared, ConfigRegistry config) {
            if (!type.isAssignableFrom(GenericTypes.getErasedType(declared))) {
                return Optional.empty();
            }
            return Optional.of(value -> (position, statement, ctx) -> setter.set(statement, position, value));
        }
    }

    /** Enum columns by exact constant name ({@link Enum#valueOf}), {@code null} for SQL NULL. */
    private static final class EnumsByName implements ColumnMapperFactory {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Optional<ColumnMapper<?>> build(Type type, ConfigRegistry config) {
            Class<?> raw = GenericTypes.getErasedType(type);
            if (!raw.isEnum()) {
                return Optional.empty();
            }
            Class<? extends Enum> enumType = (Class<? extends Enum>) raw;
            return Optional.of((rs, i, ctx) -> {
                String name = rs.getString(i);
                return name == null ? null : Enum.valueOf(enumType, name);
            });
        }
    }
}
