package io.fleetgate.examples.http;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * One request as the server handed it over, its body already read (so no request thread ever
 * waits on a socket): at most {@link JsonIo#MAX_BODY_BYTES} + 1 bytes of it, none when its
 * declared length is over the cap. Immutable.
 *
 * @param method        the method
 * @param rawPath       the path, still percent-encoded
 * @param rawQuery      the query, still percent-encoded, or {@code null}
 * @param headers       a header's first value by name (any case), or {@code null}
 * @param clientAddress the client's IP address, e.g. {@code 127.0.0.1}
 * @param body          the body read so far (empty when none, or when its declared length is over the cap)
 * @param bodyFailure   why the body could not be read (malformed chunks), or {@code null}
 */
record Incoming(String method, String rawPath, String rawQuery, UnaryOperator<String> headers, String clientAddress,
                byte[] body, IOException bodyFailure) {

    /**
     * @param name a header name
     * @return its first value, or {@code null}
     */
    String header(String name) {
        return headers.apply(name);
    }
}
