package io.fleetgate.testkit;

import io.fleetgate.internal.LogValues;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile client values for log tests, and the check that no logged value carries a character
 * that could forge or split a log line or break a reader (a surefire XML report among them).
 */
public final class LogSafety {
    /**
     * A valid id (it passes {@code Ids.require}) that holds a line separator, a paragraph separator
     * and non-characters, which XML and many log readers cannot take.
     */
    public static final String HOSTILE_ID = "\u2028id\u2029\ufdd0\ufffe\uffff";

    /** Text no id may hold (CR, LF, NUL, a C1 control), as a client may still send it. */
    public static final String HOSTILE_TEXT = "x\r\n{\"event\":\"forged\"}\u0000\u0085\uffff";

    private LogSafety() {
    }

    /**
     * Asserts that no message, key or value of the events (strings inside collections and maps
     * included) holds a C0 or C1 control, DEL, U+2028, U+2029, a non-character or an unpaired
     * surrogate.
     *
     * @param events captured events
     */
    public static void assertPlain(List<CapturedLogs.Event> events) {
        for (CapturedLogs.Event e : events) {
            check(e.name() + ": message", e.name());
            e.fields().forEach((k, v) -> {
                check(e.name() + ": key", k);
                check(e.name() + "." + k, v);
            });
        }
    }

    private static void check(String where, Object value) {
        if (value instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1));
                if (pairedSurrogate) {
                    i++;
                    continue;
                }
                assertThat(bad(c)).as("%s holds U+%04X at %d: %s", where, (int) c, i, LogValues.text(s)).isFalse();
            }
        } else if (value instanceof Collection<?> list) {
            list.forEach(v -> check(where + "[]", v));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                check(where + " key", k);
                check(where + "." + k, v);
            });
        }
    }

    private static boolean bad(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\ufdd0' && c <= '\ufdef') || c == '\ufffe' || c == '\uffff' || Character.isSurrogate(c);
    }
}
