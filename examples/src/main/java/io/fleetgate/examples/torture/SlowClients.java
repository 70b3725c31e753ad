package io.fleetgate.examples.torture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code slow-client} scenario (issue #14, point 4): {@code connections} connections that
 * send nothing, or a request's headers a byte a second, or headers and then a body a byte a
 * second, held open for {@code seconds} (each one the server closes is opened again at once, so
 * the pressure never lets up), while a probe sends normal requests, ten a second on a kept-alive
 * connection and two a second each on a new one, and measures how long each takes.
 *
 * <p>Violations: a normal request not answered 200; a normal request slower than
 * {@value #MAX_DELAY_MS} ms; a slow connection the server never closed (its deadlines do not
 * hold). The details give the worst and median delay under attack and the median before it.
 */
final class SlowClients {
    /** The worst a normal request may take while the slow connections are open. */
    static final long MAX_DELAY_MS = 1000;

    private enum Kind { SILENT, SLOW_HEADERS, SLOW_BODY }

    /** One slow connection; reopened when the server closes it. */
    private static final class Slow {
        final Kind kind;
        SocketChannel channel;
        int sent;
        int closedByServer;

        Slow(Kind kind) {
            this.kind = kind;
        }
    }

    private SlowClients() {
    }

    /**
     * @param client      the client for the login and the kept-alive probe
     * @param base        the host's base URL
     * @param connections slow connections to hold open
     * @param seconds     how long the attack lasts
     * @return what was seen
     * @throws Exception if the set-up fails (the login, the first connections)
     */
    static Outcome run(Client client, String base, int connections, int seconds) throws Exception {
        URI uri = URI.create(base);
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
        Client.Answer login = client.login(0, Load.username(1), Load.PIN, "slow-client-probe");
        if (login.status() != 200) {
            throw new IllegalStateException("the probe cannot log in: " + login.explain());
        }
        String token = login.body().get("token").asText();
        List<String> violations = new ArrayList<>();

        for (int i = 0; i < 50; i++) { // warm up both sides
            probe(client, address, token, i % 5 == 0, violations);
        }
        List<Long> idle = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            idle.add(probe(client, address, token, i % 5 == 0, violations));
        }

        List<Slow> slow = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Slow s = new Slow(Kind.values()[i % 3]);
            open(s, address);
            slow.add(s);
        }
        List<Long> attacked = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long nextTick = System.nanoTime();
        int round = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextTick) {
                for (Slow s : slow) {
                    tick(s, address);
                }
                nextTick += 1_000_000_000L;
            }
            attacked.add(probe(client, address, token, round % 5 == 0, violations));
            round++;
            Thread.sleep(100);
        }
        int neverClosed = 0;
        int closed = 0;
        for (Slow s : slow) {
            closed += s.closedByServer;
            neverClosed += s.closedByServer == 0 ? 1 : 0;
            s.channel.close();
        }
        long worst = Collections.max(attacked);
        if (worst > MAX_DELAY_MS) {
            violations.add("a normal request took " + worst + " ms with " + connections
                    + " slow connections open (at most " + MAX_DELAY_MS + " ms)");
        }
        if (neverClosed > 0) {
            violations.add(neverClosed + " of the " + connections + " slow connections were never closed by the server in "
                    + seconds + " s");
        }
        return new Outcome("slow-client", connections + "-slow-connections/" + seconds + "s", "none", violations,
                "worst_ms=" + worst + " p50_ms=" + median(attacked) + " idle_p50_ms=" + median(idle)
                        + " normal_requests=" + attacked.size() + " closed_by_server=" + closed);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** One normal request, kept alive or on a new connection; returns how long it took. */
    private static long probe(Client client, InetSocketAddress address, String token, boolean fresh,
                              List<String> violations) {
        long started = System.nanoTime();
        String outcome;
        if (fresh) {
            outcome = freshRequest(address, token);
        } else {
            Client.Answer a = client.get(0, token, "/v1/exclusive/active");
            outcome = a.status() == 200 ? "200" : a.explain();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (!outcome.equals("200") && violations.size() < 100) {
            violations.add("a normal request (" + (fresh ? "new" : "kept-alive") + " connection) was answered " + outcome);
        }
        return millis;
    }

    private static String freshRequest(InetSocketAddress address, String token) {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout((int) Client.TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1/exclusive/active HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
            String answer = got.toString(StandardCharsets.ISO_8859_1);
            return answer.startsWith("HTTP/1.1 200") ? "200" : "'" + answer.lines().findFirst().orElse("nothing") + "'";
        } catch (IOException e) {
            return "transport (" + e.getMessage() + ")";
        }
    }

    private static void open(Slow s, InetSocketAddress address) throws IOException {
        s.channel = SocketChannel.open(address);
        s.channel.configureBlocking(false);
        s.sent = 0;
        if (s.kind == Kind.SLOW_BODY) {
            write(s, "POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{");
        }
    }

    /** A second has passed: one more byte, and a connection the server closed is opened again. */
    private static void tick(Slow s, InetSocketAddress address) throws IOException {
        boolean gone;
        try {
            gone = s.channel.read(ByteBuffer.allocate(4096)) < 0;
            if (!gone && s.kind == Kind.SLOW_HEADERS) {
                String head = "GET /v1/exclusive/active HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
                write(s, s.sent < head.length() ? head.substring(s.sent, s.sent + 1) : "a");
            } else if (!gone && s.kind == Kind.SLOW_BODY) {
                write(s, " ");
            }
        } catch (IOException reset) {
            gone = true;
        }
        if (gone) {
            s.closedByServer++;
            s.channel.close();
            open(s, address);
        }
    }

    private static void write(Slow s, String text) throws IOException {
        s.channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        s.sent++;
    }
}
