package io.fleetgate.session;

import io.fleetgate.Ids;
import io.fleetgate.error.FleetgateException;

import java.util.Locale;

/** Username rules, shared by enrolment and login. Stateless. */
final class Usernames {
    private Usernames() {
    }

    /**
     * {@return the comparison key: trimmed, lower-cased}
     *
     * @param username as submitted
     * @throws FleetgateException {@code INVALID_REQUEST} if missing, blank or over 64 characters, or
     *                            if the key holds control characters or unpaired surrogates (as
     *                            {@link Ids#require}: text the stores cannot keep as given)
     */
    static String key(String username) {
        if (username == null || username.isBlank()) {
            throw FleetgateException.invalid("username", "is required");
        }
        String key = username.strip().toLowerCase(Locale.ROOT);
        if (key.length() > 64) {
            throw FleetgateException.invalid("username", "must be at most 64 characters");
        }
        return Ids.require("username", key);
    }
}
