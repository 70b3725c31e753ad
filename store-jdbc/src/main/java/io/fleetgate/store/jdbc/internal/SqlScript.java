package io.fleetgate.store.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a migration file into statements at top-level semicolons.
 *
 * <p>It knows just enough SQL to find those: quoted strings and identifiers, {@code --} and
 * block comments, PostgreSQL dollar quoting ({@code $$ … $$}, {@code $tag$ … $tag$}) and the
 * {@code BEGIN … END} body of an SQLite trigger (where {@code CASE … END} nests). Empty
 * statements are dropped. Stateless and thread-safe.
 */
public final class SqlScript {
    private SqlScript() {
    }

    /**
     * {@return its statements, without the terminating semicolons}
     *
     * @param script the file's text
     */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (c == '\'' || c == '"') {
                end = closing(script, i, c);
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                end = script.indexOf(tag, i + tag.length());
                end = end < 0 ? n : end + tag.length();
            } else if (Character.isLetter(c) && (i == 0 || !isWordChar(script.charAt(i - 1)))) {
                end = i;
                while (end < n && isWordChar(script.charAt(end))) {
                    end++;
                }
                String word = script.substring(i, end).toUpperCase(Locale.ROOT);
                if (word.equals("BEGIN") || word.equals("CASE")) {
                    depth++;
                } else if (word.equals("END") && depth > 0) {
                    depth--;
                }
            } else if (c == ';' && depth == 0) {
                add(out, current);
                current.setLength(0);
                i++;
                continue;
            } else {
                end = i + 1;
            }
            current.append(script, i, end);
            i = end;
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty() && !onlyComments(s)) {
            out.add(s);
        }
    }

    private static boolean onlyComments(String s) {
        return s.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("--"));
    }

    private static int closing(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static String dollarTag(String s, int start) {
        int i = start + 1;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '$' && (i == start + 1 || !Character.isDigit(s.charAt(start + 1)))) {
            return s.substring(start, i + 1);
        }
        return null;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
