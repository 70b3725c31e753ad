package io.fleetgate;

import java.time.Duration;
import java.util.Objects;

/** The checks the settings records share; each message names the parameter and its setting. */
final class Settings {
    private Settings() {
    }

    static void positive(String parameter, String setting, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(parameter + " (" + setting + ") must be a positive number, got " + value);
        }
    }

    static void between(String parameter, String setting, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(parameter + " (" + setting + ") must be between " + min + " and " + max
                    + ", got " + value);
        }
    }

    static void between(String parameter, String setting, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, parameter);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(parameter + " (" + setting + ") must be between " + text(min) + " and "
                    + text(max) + ", got " + text(value));
        }
    }

    static byte[] secret(String parameter, String setting, byte[] value, int minBytes) {
        if (value == null) {
            return null;
        }
        if (value.length < minBytes) {
            throw new IllegalArgumentException(parameter + " (" + setting + ") must be at least " + minBytes + " bytes");
        }
        return value.clone();
    }

    private static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
