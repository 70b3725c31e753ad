package io.fleetgate.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogValuesTest {

    @Test
    void textWhenPlainThenSameString() {
        String s = "driver-7 Zoë 東京 \uD83D\uDE9A";
        assertSame(s, LogValues.text(s));
        assertNull(LogValues.text(null));
    }

    @Test
    void textWhenControlCharactersThenEscaped() {
        assertEquals("a\\u000d\\u000alogin_succeeded user=admin", LogValues.text("a\r\nlogin_succeeded user=admin"));
        assertEquals("\\u0000\\u001b[2J\\u007f\\u0085\\u2028\\u2029", LogValues.text("\u0000\u001b[2J\u007f\u0085\u2028\u2029"));
        assertEquals("x\\u005cu000a", LogValues.text("x\\u000a"), "a backslash is escaped, so escapes cannot be faked");
    }

    @Test
    void textWhenNonCharactersOrLoneSurrogatesThenEscaped() {
        assertEquals("\\uffff\\ufffe\\ufdd0", LogValues.text("\uffff\ufffe\ufdd0"));
        assertEquals("a\\ud800b\\udc00", LogValues.text("a\ud800b\udc00"));
    }

    @Test
    void textWhenLongThenCutWithoutSplittingAPair() {
        String cut = LogValues.text("x".repeat(199) + "\uD83D\uDE9A" + "y".repeat(50));
        assertEquals("x".repeat(199) + "…", cut);
        String longPlain = LogValues.text("z".repeat(500));
        assertEquals(LogValues.MAX_CHARS + 1, longPlain.length());
        assertTrue(longPlain.endsWith("…"));
    }

    @Test
    void digestWhenSameValueThenSameShortHashAndNotTheValue() {
        String d = LogValues.digest("alice");
        assertEquals(16, d.length());
        assertTrue(d.matches("[0-9a-f]{16}"));
        assertEquals(d, LogValues.digest("alice"));
        assertNotEquals(d, LogValues.digest("alice "));
        assertNull(LogValues.digest(null));
    }
}
