package io.fleetgate.testing;

import java.util.Comparator;

/**
 * Text ordered by Unicode code point, as the databases order ids (SQLite's BINARY collation on
 * UTF-8, PostgreSQL's {@code COLLATE "C"}); {@link String#compareTo} orders by UTF-16 unit, which
 * puts a character beyond U+FFFF (a surrogate pair) before U+E000–U+FFFF. Stateless.
 */
final class CodePoints {
    /** Code point order. */
    static final Comparator<String> ORDER = CodePoints::compare;

    private CodePoints() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
