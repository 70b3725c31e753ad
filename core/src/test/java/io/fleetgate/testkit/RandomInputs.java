package io.fleetgate.testkit;

import java.util.Random;

/**
 * Hostile-input generators for the seeded property-style tests: strings mixing ASCII, SQL
 * metacharacters, unicode (accents, CJK, emoji surrogate pairs, lone surrogates, zero-width and
 * exotic spaces), control characters, blanks and over-long values, and doubles including NaN,
 * both infinities, both zeros, range bounds and the values just beyond them. Every method draws
 * only from the {@link Random} given, so a seed reproduces a case. Not thread-safe (neither is
 * {@code Random}'s sequence when shared).
 */
public final class RandomInputs {
    private static final String[] PIECES = {
            "a", "Z", "0", "9", "_", "-", ".", "d_ana", "b_1", "ws_1",
            "'", "\"", ";", "--", "/*", "*/", "%", "\\", "' OR '1'='1", "'; DROP TABLE driver_events; --",
            "é", "ß", "日本", "Ω", "\uD83D\uDE9A", "\uD83C\uDDFA\uD83C\uDDE6", "\u200B", "\uFEFF", "\u00A0",
            "\u2003", "\u3000", " ", "\t", "\n", "\r", "\u0000", "\u0007", "\u001B", "\u007F", "\u0085",
            "\u009F", "\uD800", "\uDFFF", "\u2028", "{", "}", "[", "]", ":", ",", "null", "true", "1e309",
    };

    private RandomInputs() {
    }

    /**
     * @param r the seeded source
     * @return a string of 0 to about 80 pieces, sometimes {@code null}, blank or over-long
     */
    public static String string(Random r) {
        int shape = r.nextInt(20);
        if (shape == 0) {
            return null;
        }
        if (shape == 1) {
            return " ".repeat(r.nextInt(4));
        }
        if (shape == 2) {
            return "x".repeat(60 + r.nextInt(10)); // around the 64-character limit
        }
        if (shape == 3) {
            return "\uD83D\uDE9A".repeat(30 + r.nextInt(5)); // surrogate pairs count twice
        }
        if (shape == 4) {
            return "a".repeat(1_000 + r.nextInt(100_000)); // far too long
        }
        StringBuilder out = new StringBuilder();
        int pieces = r.nextInt(shape < 12 ? 8 : 40);
        for (int i = 0; i < pieces; i++) {
            if (r.nextInt(4) == 0) {
                out.append((char) r.nextInt(0x10000)); // any UTF-16 unit, surrogates included
            } else {
                out.append(PIECES[r.nextInt(PIECES.length)]);
            }
        }
        return out.toString();
    }

    /**
     * @param r     the seeded source
     * @param limit a range bound such as 90 or 180
     * @return a double that is often special: NaN, ±infinity, ±0, ±limit, one ulp beyond ±limit,
     *         the extremes of {@code double}; otherwise uniform in ±1.2 × limit, or raw bits
     */
    public static double aroundBound(Random r, double limit) {
        switch (r.nextInt(16)) {
            case 0: return Double.NaN;
            case 1: return r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2: return r.nextBoolean() ? 0.0 : -0.0;
            case 3: return r.nextBoolean() ? limit : -limit;
            case 4: return r.nextBoolean() ? Math.nextUp(limit) : Math.nextDown(-limit);
            case 5: return r.nextBoolean() ? Math.nextDown(limit) : Math.nextUp(-limit);
            case 6: return r.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE;
            case 7: return Double.longBitsToDouble(r.nextLong());
            default: return (r.nextDouble() * 2.4 - 1.2) * limit;
        }
    }

    /**
     * @param s a string
     * @return it with non-printable characters escaped, for assertion messages
     */
    public static String show(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        String head = s.length() > 120 ? s.substring(0, 120) : s;
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append(s.length() > 120 ? "\"… (" + s.length() + " chars)" : "\"");
        return out.toString();
    }
}
