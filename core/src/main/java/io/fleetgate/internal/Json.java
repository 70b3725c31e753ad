package io.fleetgate.internal;

import io.fleetgate.error.FleetgateException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small JSON subset fleetgate stores (event payloads, batch metadata), without a dependency.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link String}, {@link BigDecimal} (every number),
 * {@code List<Object>} and {@code Map<String, Object>}. {@link #write} produces the canonical
 * form: object keys sorted by UTF-16 code units, no whitespace, numbers in plain decimal notation
 * without exponent or trailing zeros ({@code 100}, {@code 1.5}, {@code -0.001}, zero as {@code 0}),
 * strings with only the escapes JSON requires. Numbers whose plain form is longer than
 * {@value #MAX_NUMBER_LENGTH} characters are refused everywhere, as are more than
 * {@value #MAX_DEPTH} nested arrays or objects and duplicate keys, so hostile input stays cheap and
 * everything written can be read back.
 * Stateless and thread-safe; not API (see {@code package-info}).
 */
public final class Json {
    /** The most arrays and objects that may nest inside each other. */
    public static final int MAX_DEPTH = 16;
    /** The longest number accepted, as a literal and in plain notation. */
    public static final int MAX_NUMBER_LENGTH = 40;

    private Json() {
    }

    /**
     * {@return its canonical text}
     *
     * @param value a JSON value of the supported types (numbers of any {@link Number} type)
     * @throws IllegalArgumentException for unsupported types or non-finite numbers
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    /**
     * Validates and normalises a host-supplied value (numbers become {@link BigDecimal}, maps are
     * copied into sorted, unmodifiable maps).
     *
     * @param field the request field name for errors
     * @param value the value
     * @return the normalised value
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field for unsupported types,
     *                            non-finite numbers, non-string keys or excessive nesting
     */
    public static Object normalise(String field, Object value) {
        try {
            return normalise(value, 0);
        } catch (IllegalArgumentException e) {
            throw FleetgateException.invalid(field, e.getMessage());
        }
    }

    /**
     * {@return the value (maps keep key order; numbers are BigDecimal)}
     *
     * @param text JSON text
     * @throws IllegalArgumentException if the text is not JSON within the limits
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    /**
     * {@return the object as an unmodifiable sorted map}
     *
     * @param text JSON text of an object
     * @throws IllegalArgumentException if the text is not a JSON object within the limits
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) normalise(v, 0);
    }

    private static Object normalise(Object value, int depth) {
        if (value instanceof String text) {
            return noNul(text);
        }
        if (value == null || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            return number(n);
        }
        if ((value instanceof Map || value instanceof List) && depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("has a key that is not a string");
                }
                out.put(noNul(key), normalise(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalise(o, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("holds a value of unsupported type " + value.getClass().getSimpleName());
    }

    /** PostgreSQL cannot store U+0000 in text or jsonb, so no stored string may hold it. */
    private static String noNul(String text) {
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("holds a NUL character");
        }
        return text;
    }

    /** {@return the number as a BigDecimal without trailing zeros, zero as {@link BigDecimal#ZERO}} */
    private static BigDecimal number(Number n) {
        BigDecimal d;
        if (n instanceof BigDecimal b) {
            d = b;
        } else if (n instanceof Double || n instanceof Float) {
            double v = n.doubleValue();
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("holds a number that is not finite");
            }
            d = BigDecimal.valueOf(v);
        } else if (n instanceof java.math.BigInteger bi) {
            d = new BigDecimal(bi);
        } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            d = BigDecimal.valueOf(n.longValue());
        } else {
            throw new IllegalArgumentException("holds a number of unsupported type " + n.getClass().getSimpleName());
        }
        if (d.signum() == 0) {
            return BigDecimal.ZERO;
        }
        try {
            d = d.stripTrailingZeros();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("holds a number out of range", e);
        }
        // the plain form's length, from precision and scale, without building it (1e999999 is short to write)
        int precision = d.precision();
        int scale = d.scale();
        long length = (scale <= 0 ? (long) precision - scale : Math.max(precision, scale + 1L) + 1)
                + (d.signum() < 0 ? 1 : 0);
        if (length > MAX_NUMBER_LENGTH) {
            throw new IllegalArgumentException("holds a number longer than " + MAX_NUMBER_LENGTH + " digits");
        }
        return d;
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if ((value instanceof Map || value instanceof List) && depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Number n) {
            out.append(number(n).toPlainString());
        } else if (value instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            m.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got "
                            + (k == null ? "null" : k.getClass().getSimpleName()));
                }
                sorted.put(key, v);
            });
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(e.getKey(), out);
                out.append(':');
                write(e.getValue(), out, depth + 1);
            }
            out.append('}');
        } else if (value instanceof List<?> l) {
            out.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(l.get(i), out, depth + 1);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("unsupported JSON value type " + value.getClass().getName());
        }
    }

    /**
     * Appends a JSON string literal.
     *
     * @param s   the string
     * @param out where to append
     */
    public static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        Object value(int depth) {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected character");
            }
            pos += word.length();
            return value;
        }

        private Map<String, Object> object(int depth) {
            container(depth);
            pos++;
            Map<String, Object> out = new LinkedHashMap<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    throw error("expected a string key");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (out.containsKey(key)) {
                    throw error("duplicate key " + key);
                }
                out.put(key, value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return out;
            }
        }

        private List<Object> array(int depth) {
            container(depth);
            pos++;
            List<Object> out = new ArrayList<>();
            skipWhitespace();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipWhitespace();
                out.add(value(depth + 1));
                skipWhitespace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return out;
            }
        }

        private void container(int depth) {
            if (depth >= MAX_DEPTH) {
                throw error("more than " + MAX_DEPTH + " nested arrays or objects");
            }
        }

        private void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    if (pos >= s.length()) {
                        break;
                    }
                    char e = s.charAt(pos++);
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("bad unicode escape");
                            }
                            int code = 0;
                            for (int k = 0; k < 4; k++) {
                                char h = s.charAt(pos + k);
                                int digit = h <= 'f' ? Character.digit(h, 16) : -1;
                                if (digit < 0) {
                                    throw error("bad unicode escape");
                                }
                                code = code * 16 + digit;
                            }
                            out.append((char) code);
                            pos += 4;
                        }
                        default -> throw error("bad escape");
                    }
                } else if (c < 0x20) {
                    throw error("control character in string");
                } else {
                    out.append(c);
                }
            }
            throw error("unterminated string");
        }

        private BigDecimal number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (pos == start) {
                throw error("unexpected character");
            }
            if (pos - start > MAX_NUMBER_LENGTH) {
                throw error("number literal too long");
            }
            String literal = s.substring(start, pos);
            if (!NUMBER.matcher(literal).matches()) {
                throw error("bad number");
            }
            try {
                return Json.number(new BigDecimal(literal));
            } catch (IllegalArgumentException e) {
                throw error("number out of range");
            }
        }
    }
}
