package io.fleetgate.examples.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors Jetty answers itself, before a request reaches the {@link Router} (a malformed request
 * line or header, headers over {@link HttpHost#MAX_HEADER_BYTES}), in the contract's envelope
 * {@code {"error": CODE, "message": sentence}}: 400 {@code INVALID_REQUEST}, 413
 * {@code PAYLOAD_TOO_LARGE}, 431 {@code HEADERS_TOO_LARGE}, anything else {@code HTTP_<status>}.
 * The message is Jetty's reason, never a stack trace.
 *
 * <p>One exception keeps the answer the router would give: Jetty refuses a path holding a
 * character no path may hold (an encoded NUL, {@code %00}) while parsing the request line; no
 * endpoint has such a path, so it is answered 404 {@code NOT_FOUND}, as every unknown path is.
 * Thread-safe (stateless).
 */
final class JsonErrors extends ErrorHandler {

    /**
     * @param status an HTTP status
     * @return the {@code error} code for it
     */
    static String code(int status) {
        return switch (status) {
            case 400 -> "INVALID_REQUEST";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 431 -> "HEADERS_TOO_LARGE";
            case 500 -> "INTERNAL";
            default -> "HTTP_" + status;
        };
    }

    private static byte[] body(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code(status));
        body.put("message", reason == null || reason.isBlank() ? "the request was refused (HTTP " + status + ")"
                : "the request was refused: " + reason);
        return JsonIo.write(body);
    }

    @Override
    protected void generateResponse(Request request, org.eclipse.jetty.server.Response response, int code,
                                    String message, Throwable cause, Callback callback) {
        byte[] bytes;
        if (code == 400 && illegalPath(cause)) {
            response.setStatus(404);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "NOT_FOUND");
            body.put("message", "no such endpoint");
            bytes = JsonIo.write(body);
        } else {
            bytes = body(code, message);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static boolean illegalPath(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException && "Illegal character in path".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        return ByteBuffer.wrap(body(status, reason));
    }
}
