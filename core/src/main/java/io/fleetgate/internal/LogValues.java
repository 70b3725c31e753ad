package io.fleetgate.internal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What may reach a log line from a client. Every value a client chose (ids, usernames, messages
 * that quote them) goes through {@link #text} before it is logged, so no CR, LF or other control
 * character can forge or split a line, whatever the host's log format; values that identify a
 * person outside the library (usernames, device ids) are logged only as {@link #digest}, a short
 * keyed hash that lets an operator correlate lines of one process without the log holding the
 * value itself.
 *
 * <p>The digest key is 256 random bits made when the class loads: digests are stable within one
 * process and mean nothing elsewhere (a leaked log cannot be brute-forced against a list of
 * usernames without the key, which is never written anywhere). Thread-safe.
 */
public final class LogValues {
    /** Longest text logged; longer values are cut and end with {@code …}. */
    public static final int MAX_CHARS = 200;

    private static final byte[] KEY = new byte[32];
    private static final ThreadLocal<Mac> MAC;

    static {
        new SecureRandom().nextBytes(KEY);
        MAC = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(KEY, "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    private LogValues() {
    }

    /**
     * A client value made safe for one log field: control characters (C0, DEL, C1), line and
     * paragraph separators, unpaired surrogates, non-characters and the backslash are written as
     * {@code \}{@code uXXXX}; at most {@value #MAX_CHARS} characters are kept.
     *
     * @param value what the client sent, or {@code null}
     * @return the escaped value, or {@code null} for {@code null}
     */
    public static String text(String value) {
        if (value == null) {
            return null;
        }
        int n = value.length();
        int i = 0;
        while (i < n && i < MAX_CHARS && plain(value, i)) {
            i++;
        }
        if (i == n) {
            return value; // the common case: nothing to escape, nothing copied
        }
        StringBuilder out = new StringBuilder(Math.min(n, MAX_CHARS) + 16).append(value, 0, i);
        for (; i < n && i < MAX_CHARS; i++) {
            char c = value.charAt(i);
            if (plain(value, i)) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (n > MAX_CHARS) {
            if (Character.isHighSurrogate(out.charAt(out.length() - 1))) {
                out.setLength(out.length() - 1); // its pair was cut off
            }
            out.append('…');
        }
        return out.toString();
    }

    /**
     * {@return a short keyed hash of the value (16 hex digits), stable within this process, or
     * {@code null} for {@code null}}
     *
     * @param value a username, device id or other identifying value
     */
    public static String digest(String value) {
        if (value == null) {
            return null;
        }
        byte[] h = MAC.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(h, 0, 8);
    }

    private static boolean plain(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || c == '\ufffe' || c == '\uffff' || (c >= '\ufdd0' && c <= '\ufdef')) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return true;
    }
}
