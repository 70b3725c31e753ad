package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small JSON client for the host under test that remembers every status it saw, so a suite can
 * check that no response was a 5xx. Thread-safe.
 */
final class Api {
    private volatile boolean bodyDelivered;

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One answer.
     *
     * @param status  the HTTP status
     * @param body    the JSON body, or a missing node when empty
     * @param headers the headers
     */
    record Reply(int status, JsonNode body, HttpHeaders headers) {
        String error() {
            return body.path("error").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String base;
    private final List<Reply> seen = new CopyOnWriteArrayList<>();

    Api(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
    }

    String base() {
        return base;
    }

    List<Reply> seen() {
        return seen;
    }

    Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    Reply post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, String token, Object body) {
        try {
            return post(path, token, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply method(String method, String path, String token) {
        return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? JSON.missingNode()
                    : JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
            Reply reply = new Reply(r.statusCode(), body, r.headers());
            seen.add(reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET on a raw socket, for request targets java.net.URI refuses; returns the response. */
    String getRaw(String target, String token) throws IOException {
        return raw("GET", target, token == null ? List.of() : List.of("Authorization: Bearer " + token), null, false);
    }

    /** A JSON POST on a raw socket, the body declared by Content-Length or chunked; see {@link #raw}. */
    String postRaw(String path, String token, byte[] body, boolean chunked) throws IOException {
        List<String> headers = new ArrayList<>();
        if (token != null) {
            headers.add("Authorization: Bearer " + token);
        }
        headers.add("Content-Type: application/json");
        return raw("POST", path, headers, body, chunked);
    }

    /**
     * Sends one request on a raw socket, for what java.net.http will not send (targets
     * java.net.URI refuses, raw UTF-8 in the request line or headers, chunked bodies) and reads
     * the answer. The head is sent as UTF-8 with {@code Connection: close}; a body is declared by
     * {@code Content-Length} or sent chunked, from another thread while this one reads the
     * answer: the server answers 413 without reading the rest, so a client that only reads after
     * writing everything (as java.net.http does) may see the connection reset instead.
     *
     * @param method  the method
     * @param target  the request target, sent as is
     * @param headers header lines ({@code Name: value})
     * @param body    the body, or {@code null} for none
     * @param chunked whether to send the body chunked rather than with a Content-Length
     * @return the response (status line, headers, body) as text; empty if the server closed
     *         without answering
     * @throws IOException if the connection cannot be made
     */
    /**
     * {@return whether the last {@link #raw} request's whole body was written before the server
     * closed the connection}
     */
    boolean bodyDelivered() {
        return bodyDelivered;
    }

    String raw(String method, String target, List<String> headers, byte[] body, boolean chunked) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (body != null) {
            head.append(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        Thread writer;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            bodyDelivered = false;
            writer = new Thread(() -> {
                try {
                    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                    if (body != null) {
                        writeBody(out, body, chunked);
                    }
                    out.flush();
                    bodyDelivered = true;
                } catch (IOException closedByServer) {
                    bodyDelivered = false; // the server closed before taking it all: see bodyDelivered()
                }
            });
            writer.start();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; !complete(response.toByteArray()) && (n = in.read(buf)) > 0; ) {
                    response.write(buf, 0, n);
                }
            } catch (IOException reset) {
                // a reset after (part of) the answer: what was read is the answer
            }
        }
        try {
            writer.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    private static void writeBody(OutputStream out, byte[] body, boolean chunked) throws IOException {
        for (int i = 0; i < body.length; i += 65536) {
            int n = Math.min(65536, body.length - i);
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(body, i, n);
            if (chunked) {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** @return whether the bytes hold a whole response with a Content-Length body */
    private static boolean complete(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return response.length - end - 4 >= Long.parseLong(line.substring(15).trim());
            }
        }
        return false;
    }
}
