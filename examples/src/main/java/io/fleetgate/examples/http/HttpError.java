package io.fleetgate.examples.http;

/**
 * A refusal the host makes itself, for things the library never sees: an unknown path, a wrong
 * method, a body over the cap. Library refusals stay {@link io.fleetgate.error.FleetgateException}s.
 * Immutable.
 */
final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String allow;

    /**
     * @param status  the HTTP status
     * @param code    the {@code error} field
     * @param message the {@code message} field
     */
    HttpError(int status, String code, String message) {
        this(status, code, message, null);
    }

    private HttpError(int status, String code, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.allow = allow;
    }

    /** @return the {@code Allow} header of a 405, else {@code null} */
    String allow() {
        return allow;
    }

    /** @return the HTTP status */
    int status() {
        return status;
    }

    /** @return the {@code error} field */
    String code() {
        return code;
    }

    static HttpError notFound(String path) {
        return new HttpError(404, "NOT_FOUND", "no such endpoint: " + path);
    }

    static HttpError methodNotAllowed(String method, String allowed) {
        return new HttpError(405, "METHOD_NOT_ALLOWED", method + " is not allowed here; use " + allowed, allowed);
    }

    static HttpError payloadTooLarge(long max) {
        return new HttpError(413, "PAYLOAD_TOO_LARGE", "the request body is over " + max + " bytes");
    }
}
