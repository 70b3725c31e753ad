package io.fleetgate.internal;

import io.fleetgate.Ids;
import io.fleetgate.error.FleetgateException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A keyset-pagination cursor: the instant and id of the last item of a page, as opaque text
 * ({@code base64url("<epoch micros>:<id>")}). Immutable; not API (see {@code package-info}).
 *
 * @param at the last item's instant
 * @param id the last item's id (ties on {@code at})
 */
public record Cursor(Instant at, String id) {

    /** {@return the cursor as text for a page's {@code next}} */
    public String encode() {
        String text = ChronoUnit.MICROS.between(Instant.EPOCH, at) + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return the cursor, or {@code null} for none}
     *
     * @param text a cursor from {@link #encode()}, or {@code null}
     * @throws FleetgateException {@code INVALID_REQUEST} naming {@code after} for anything else
     */
    public static Cursor decode(String text) {
        if (text == null) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            Instant at = Instant.EPOCH.plus(Long.parseLong(plain.substring(0, colon)), ChronoUnit.MICROS);
            return new Cursor(at, Ids.require("after", plain.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw FleetgateException.invalid("after", "is not a cursor this service issued");
        }
    }
}
