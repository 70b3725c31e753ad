package io.fleetgate.session;

import io.fleetgate.FleetgateException;

import java.util.Locale;

/** Username rules, shared by enrolment and login. Stateless. */
final class Usernames {
    private Usernames() {
    }

    /**
     * @param username as submitted
     * @return the comparison key: trimmed, lower-cased
     * @throws FleetgateException {@code INVALID_REQUEST} if missing, blank, over 64 characters or
     *                            holding control characters (which the stores cannot key on: SQLite
     *                            counts a text's length up to its first NUL, PostgreSQL refuses NUL)
     */
    static String key(String username) {
        if (username == null || username.isBlank()) {
            throw FleetgateException.invalid("username", "is required");
        }
        String key = username.strip().toLowerCase(Locale.ROOT);
        if (key.length() > 64) {
            throw FleetgateException.invalid("username", "must be at most 64 characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw FleetgateException.invalid("username", "must not contain control characters");
        }
        return key;
    }
}
