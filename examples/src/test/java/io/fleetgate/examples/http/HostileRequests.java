package io.fleetgate.examples.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Generates hostile requests against every endpoint of the HTTP contract from one seeded
 * {@link Random}: malformed JSON, wrong types, huge numbers, NaN and Infinity, deep nesting, bodies
 * over the cap, empty bodies, Unicode and SQL metacharacters in ids, over-long ids, bad tokens,
 * another workspace's ids, wrong methods, unknown paths and wrong content types.
 *
 * <p>Every request is built so that the contract refuses it (or, for a read, answers it without
 * writing): a body that the host would accept if it skipped one check is sent only with a defect
 * that check must catch, and a well-formed body only by a caller the contract refuses or with ids
 * that name nothing. The suite can therefore demand that nothing in the database changed. Not
 * thread-safe.
 */
final class HostileRequests {

    /**
     * How a request travels (always on its own socket, see {@link Api#raw}): a body with
     * Content-Length or chunked, or a request line or header with unencoded UTF-8, which the
     * JDK's server may refuse itself with a plain 400 before the host sees it.
     */
    enum Transport { CONTENT_LENGTH, CHUNKED, UNENCODED }

    /**
     * One hostile request.
     *
     * @param category  what kind of hostility (for the summary)
     * @param endpoint  {@code METHOD /pattern} of the contract's table, or {@link #UNKNOWN_PATH} /
     *                  {@link #WRONG_METHOD}
     * @param method    the method sent
     * @param target    the request target (path and query, already encoded as sent)
     * @param headers   header lines {@code Name: value}
     * @param body      the body, or {@code null} for none
     * @param transport how it is sent
     * @param must      answers this request must get ({@code "STATUS CODE"}, {@code "200"}); empty
     *                  when any answer of the endpoint's row of the table will do
     */
    record Hostile(String category, String endpoint, String method, String target, List<String> headers,
                   byte[] body, Transport transport, Set<String> must) {

        /** @return method, target and the first 120 characters of the body, for failure messages */
        String describe() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
            return method + " " + (target.length() > 160 ? target.substring(0, 160) + "…" : target)
                    + " [" + transport + ", " + headers.stream().filter(h -> !h.startsWith("Authorization"))
                    .toList() + ", body " + (body == null ? "none" : body.length + " B: " + text) + "]";
        }
    }

    /**
     * Who and what the requests use: tokens of the fixture users, tokens that must not work, and
     * exclusive session ids.
     *
     * @param ana               driver of ws_1 with batches b_1 and b_3, no ACTIVE exclusive session
     * @param sam               supervisor of ws_1
     * @param mia               member of ws_1
     * @param dan               driver of ws_1 with no batch and an ACTIVE exclusive session
     * @param bob               driver of ws_2 (batch b_2)
     * @param sue               supervisor of ws_2
     * @param expired           a token whose session is past its maximum age
     * @param replaced          a token replaced by a later login on the same device
     * @param loggedOut         a token whose session was logged out
     * @param completedSession  ana's COMPLETED exclusive session
     * @param activeSession     dan's ACTIVE exclusive session
     * @param recordedAt        a valid {@code recorded_at}
     */
    record Actors(String ana, String sam, String mia, String dan, String bob, String sue, String expired,
                  String replaced, String loggedOut, String completedSession, String activeSession,
                  String recordedAt) {
    }

    static final String UNKNOWN_PATH = "unknown path";
    static final String WRONG_METHOD = "wrong method";

    static final String LOGIN = "POST /v1/auth/login";
    static final String REFRESH = "POST /v1/auth/refresh";
    static final String LOGOUT = "POST /v1/auth/logout";
    static final String ACTIVATE = "POST /v1/exclusive/activate";
    static final String COMPLETE = "POST /v1/exclusive/complete";
    static final String CANCEL = "POST /v1/exclusive/cancel";
    static final String ACTIVE = "GET /v1/exclusive/active";
    static final String SYNC = "POST /v1/driver/events";
    static final String EVENTS = "GET /v1/driver/events";
    static final String BATCH = "GET /v1/driver/batches/{id}";
    static final String OVERRIDE = "POST /v1/supervisor/override";
    static final String INVALIDATE = "POST /v1/supervisor/sessions/invalidate";
    static final String QUEUE = "GET /v1/supervisor/review-queue";
    static final String REVIEW = "POST /v1/supervisor/review";
    static final String DRIVERS = "GET /v1/supervisor/drivers";
    static final String POSITIONS = "POST /v1/driver/positions";
    static final String OWN_POSITIONS = "GET /v1/driver/positions";
    static final String DRIVER_POSITIONS = "GET /v1/supervisor/drivers/{driverId}/positions";

    /** Every endpoint of HTTP.md, and those docs/http-api.md adds for the position stream. */
    static final List<String> ENDPOINTS = List.of(LOGIN, REFRESH, LOGOUT, ACTIVATE, COMPLETE, CANCEL, ACTIVE, SYNC,
            EVENTS, BATCH, OVERRIDE, INVALIDATE, QUEUE, REVIEW, DRIVERS, POSITIONS, OWN_POSITIONS, DRIVER_POSITIONS);

    /** The endpoints that read a JSON body (refresh and logout take none). */
    static final List<String> BODY_ENDPOINTS = List.of(LOGIN, ACTIVATE, COMPLETE, CANCEL, SYNC, OVERRIDE, INVALIDATE,
            REVIEW, POSITIONS);

    /** A span of {@code recorded_at} for the position reads: every fix there could be. */
    static final String SPAN = "?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z";
    /** The fields of a fix, in the order they are sent. */
    static final List<String> FIX_FIELDS = List.of("recorded_at", "lat", "lng", "accuracy_m", "speed_mps", "heading_deg");

    static final String INVALID = "400 INVALID_REQUEST";
    static final String UNAUTHENTICATED = "401 UNAUTHENTICATED";
    static final String TOO_LARGE = "413 PAYLOAD_TOO_LARGE";
    static final String OK = "200";
    /** The JDK server's own answer to a request line it cannot parse (documented in docs/http-api.md). */
    static final String PLAIN_400 = "400 (plain, from the JDK server)";

    /** SQL metacharacters and injection attempts, as ids. */
    static final List<String> SQL = List.of("'", "\"", ";", "--", "/*", "*/", "%", "_", "\\", "' OR '1'='1",
            "b_1' --", "b_1'; DROP TABLE driver_events; --", "\" OR \"\"=\"", "b_%", "b__", "%_%", "d_%",
            "1; SELECT pg_sleep(5)", "b_1;", "$$; $$", "' UNION SELECT * FROM user_credentials --", "*", "?", ":id");

    /**
     * Unicode oddities, as ids: RTL override, NUL, zero width, full width, emoji, combining marks,
     * half a surrogate pair (sent as a JSON escape; in a URL it can only become {@code ?}).
     */
    static final List<String> UNICODE = List.of("\ud800", "b_1\udfff", "\ude00\ud83d","\u202eb_1", "b_1\u0000", "\u0000", "b\u200b_1", "\uff42\uff3f\uff11",
            "\ud83d\ude00", "b_1\u0301", "\ufeffb_1", "\u05d1_1", "B_1", "b_1 ", " b_1", "\u0627\u0644\u0639",
            "\r\n", "\t", "b_1\u2028", "\uffff", "\u00df", "d_1\u0000", "\u0001\u001f\u007f");

    /** Numbers no field can hold: beyond double, beyond long, non-finite, or over the parser's length cap. */
    static final List<String> HUGE = List.of("1e400", "-1e400", "9223372036854775808", "-9223372036854775809",
            "99999999999999999999", "1.7976931348623157e309", "123456789012345678901234567890.5",
            "1" + "0".repeat(150), "1e99999999", "-1e-99999999999999999999", "4.9e-325", "1e-400");

    private final Random random;
    private final Actors a;
    private final List<String> validTokens;
    private final Map<String, Function<Random, Hostile>> categories = new LinkedHashMap<>();
    private int sequence;

    HostileRequests(long seed, Actors actors) {
        this.random = new Random(seed);
        this.a = actors;
        this.validTokens = List.of(actors.ana(), actors.sam(), actors.mia(), actors.dan(), actors.bob(), actors.sue());
        categories.put("malformed JSON", r -> malformed());
        categories.put("wrong types", r -> wrongType());
        categories.put("huge numbers", r -> huge());
        categories.put("NaN and Infinity", r -> nonFinite());
        categories.put("deep nesting", r -> deep());
        categories.put("body over 1 MiB", r -> oversize());
        categories.put("empty body", r -> empty());
        categories.put("unicode ids", r -> ids(UNICODE, "unicode ids"));
        categories.put("SQL metacharacters", r -> ids(SQL, "SQL metacharacters"));
        categories.put("over-long ids", r -> ids(List.of("x".repeat(65), "b".repeat(300), "\u00e9".repeat(65),
                "b_1" + "0".repeat(2000), "\ud83d\ude00".repeat(40)), "over-long ids"));
        categories.put("bad tokens", r -> badToken());
        categories.put("another workspace / not assigned / wrong role", r -> trespass());
        categories.put("wrong method", r -> wrongMethod());
        categories.put("unknown path", r -> unknownPath());
        categories.put("wrong content type", r -> contentType());
    }

    /** @return the category names, in generation order */
    List<String> categories() {
        return List.copyOf(categories.keySet());
    }

    /**
     * @param count how many
     * @return that many requests, the categories taken in turn
     */
    List<Hostile> generate(int count) {
        List<Function<Random, Hostile>> gens = List.copyOf(categories.values());
        List<Hostile> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(gens.get(i % gens.size()).apply(random));
        }
        return out;
    }

    // --- categories ---------------------------------------------------------------------------

    private Hostile malformed() {
        String endpoint = pick(BODY_ENDPOINTS);
        String valid = dangerousBody(endpoint);
        if (random.nextInt(10) == 0) {
            return invalidUtf8(endpoint, valid);
        }
        String body = switch (random.nextInt(9)) {
            case 0 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1));
            case 1 -> valid + pick(List.of("}", "x", ",", "{}", "]", "\"", "null", "1", "/", "\u0000"));
            case 2 -> pick(List.of("[" + valid + "]", "\"" + valid.replace("\"", "\\\"") + "\"", "42", "true", "null",
                    "[]", "\"\"", "-0", "1e400"));
            case 3 -> duplicateKey(valid);
            case 4 -> valid.replaceFirst("\\{", "{/* c */");
            case 5 -> valid.replace('"', '\'');
            case 6 -> valid.replaceAll("\"([a-z_]+)\":", "$1:");
            case 7 -> valid.substring(0, valid.length() - 1) + ",}";
            default -> "\ufeff" + valid.substring(1);
        };
        if (body.equals(valid)) {
            body = valid + "}";
        }
        return post("malformed JSON", endpoint, dangerousCaller(endpoint), body, Set.of(INVALID));
    }

    /**
     * A valid body with bytes that are not UTF-8 in its first string value: a stray byte, a cut
     * sequence, an overlong {@code /}, an encoded surrogate. Read leniently, it could be carried out.
     */
    private Hostile invalidUtf8(String endpoint, String valid) {
        byte[] bad = pick(List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28},
                new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80,
                        (byte) 0x80}));
        byte[] text = valid.getBytes(StandardCharsets.UTF_8);
        int at = valid.lastIndexOf(":\"") + 2;
        byte[] body = new byte[text.length + bad.length];
        System.arraycopy(text, 0, body, 0, at);
        System.arraycopy(bad, 0, body, at, bad.length);
        System.arraycopy(text, at, body, at + bad.length, text.length - at);
        return new Hostile("malformed JSON", endpoint, "POST", path(endpoint),
                auth(dangerousCaller(endpoint), List.of("Content-Type: application/json")), body,
                Transport.CONTENT_LENGTH, Set.of(INVALID));
    }

    private Hostile wrongType() {
        String endpoint = pick(BODY_ENDPOINTS);
        if (endpoint.equals(SYNC)) {
            Map<String, Object> event = proof();
            String field = pick(List.copyOf(event.keySet()).subList(0, 4));
            List<String> extra = List.of("session_id", "lat", "lng", "accuracy_m", "stop_index", "payload",
                    "target_status", "reason", "signature");
            if (random.nextBoolean()) {
                field = pick(extra);
            }
            event.put(field, wrongValueFor(field));
            if (field.equals("lat") || field.equals("lng")) {
                event.putIfAbsent("lat", 30.27);
                event.putIfAbsent("lng", -97.74);
                event.put(field, wrongValueFor(field));
            }
            if (random.nextInt(4) == 0) {
                return post("wrong types", SYNC, a.ana(), Json.write(Map.of("events", wrongValueFor("events"))),
                        Set.of(INVALID));
            }
            return sync("wrong types", a.ana(), event);
        }
        if (endpoint.equals(POSITIONS) && random.nextBoolean()) {
            // one field of one fix of several: the whole call is refused
            Map<String, Object> fix = fix();
            String field = pick(FIX_FIELDS);
            fix.put(field, wrongValueFor(field));
            List<Object> fixes = new ArrayList<>(List.of(fix(), fix()));
            fixes.add(random.nextInt(fixes.size() + 1), fix);
            return post("wrong types", POSITIONS, a.ana(), Json.write(fields("batch_id", "b_1", "fixes", fixes)),
                    Set.of(INVALID));
        }
        Map<String, Object> body = dangerousFields(endpoint);
        String field = pick(List.copyOf(body.keySet()));
        body.put(field, wrongValueFor(field));
        return post("wrong types", endpoint, dangerousCaller(endpoint), Json.write(body), Set.of(INVALID));
    }

    private Hostile huge() {
        String number = pick(HUGE);
        switch (random.nextInt(5)) {
            case 0 -> {
                Map<String, Object> body = activation();
                String field = pick(List.of("lat", "lng", "accuracy_m"));
                body.put(field, new Json.Raw(number));
                // lat/lng beyond ±90/±180 and non-finite values are bad coordinates; accuracy_m is either a bad
                // field or worse than the cap; a tiny number is 0 and so a valid value, refused for dan's session
                Set<String> must = unreadable(number) ? Set.of(INVALID) : number.contains("e-") ? Set.of()
                        : field.equals("accuracy_m") ? Set.of(INVALID, "403 ACCURACY_TOO_LOW") : Set.of(INVALID);
                return post("huge numbers", ACTIVATE, a.dan(), Json.write(body), must);
            }
            case 1 -> {
                Map<String, Object> event = proof();
                String field = pick(List.of("lat", "lng", "accuracy_m", "stop_index"));
                if (!field.equals("stop_index")) {
                    event.put("lat", 30.27);
                    event.put("lng", -97.74);
                }
                event.put(field, new Json.Raw(number));
                boolean mayBeValid = number.contains("e-") || field.equals("accuracy_m") && !number.startsWith("-")
                        && number.length() <= 100 && !List.of("1e400", "1.7976931348623157e309", "1e99999999")
                        .contains(number);
                if (mayBeValid) {
                    // a tiny number is 0 and a huge accuracy is no error for an event: the transition is
                    event.put("event_type", "ROUTE_COMPLETED");
                }
                if (unreadable(number)) {
                    // longer than the parser reads, or an exponent beyond an int: the whole body is malformed
                    return post("huge numbers", SYNC, a.ana(), Json.write(Map.of("events", List.of(event))),
                            Set.of(INVALID));
                }
                return sync("huge numbers", a.ana(), event);
            }
            case 2 -> {
                String endpoint = pick(List.of(EVENTS, QUEUE));
                String query = endpoint.equals(EVENTS) ? "?batch_id=b_1&limit=" : "?limit=";
                return get("huge numbers", endpoint, endpoint.equals(EVENTS) ? a.ana() : a.sam(),
                        path(endpoint) + query + encode(pick(List.of(number, "0", "-1", "1001", "2147483648",
                                "-2147483649", "1e3", "0x10", "1.0", " 5", "5 ", "five"))), Set.of(INVALID));
            }
            case 3 -> {
                // a fix's coordinate, speed or heading no fix can have (a tiny number would be a valid 0,
                // a huge accuracy a valid one, marked: neither is sent)
                String big = pick(HUGE.stream().filter(h -> !h.contains("e-")).toList());
                Map<String, Object> fix = fix();
                fix.put(pick(List.of("lat", "lng", "speed_mps", "heading_deg")), new Json.Raw(big));
                return post("huge numbers", POSITIONS, a.ana(), Json.write(fields("batch_id", "b_1", "fixes",
                        List.of(fix(), fix))), Set.of(INVALID));
            }
            default -> {
                String endpoint = pick(List.of(COMPLETE, CANCEL, INVALIDATE, REVIEW, OVERRIDE, LOGIN));
                Map<String, Object> body = dangerousFields(endpoint);
                body.put(pick(List.copyOf(body.keySet())), new Json.Raw(number));
                return post("huge numbers", endpoint, dangerousCaller(endpoint), Json.write(body), Set.of(INVALID));
            }
        }
    }

    /** @return whether the number cannot be read at all: over 100 characters, or an exponent beyond an int */
    private static boolean unreadable(String number) {
        return number.length() > 100 || number.matches(".*[eE][-+]?[0-9]{10,}");
    }

    private Hostile nonFinite() {
        String literal = pick(List.of("NaN", "Infinity", "-Infinity", "+Infinity", "-NaN", "nan", "inf", "+1"));
        boolean asString = random.nextBoolean();
        Object value = asString ? literal : new Json.Raw(literal);
        switch (random.nextInt(4)) {
            case 0 -> {
                Map<String, Object> body = activation();
                body.put(pick(List.of("lat", "lng", "accuracy_m")), value);
                return post("NaN and Infinity", ACTIVATE, a.dan(), Json.write(body), Set.of(INVALID));
            }
            case 1 -> {
                Map<String, Object> event = proof();
                event.put("lat", 30.27);
                event.put("lng", -97.74);
                event.put(pick(List.of("lat", "lng", "accuracy_m", "stop_index")), value);
                if (asString) {
                    return sync("NaN and Infinity", a.ana(), event);
                }
                return post("NaN and Infinity", SYNC, a.ana(), Json.write(Map.of("events", List.of(event))),
                        Set.of(INVALID));
            }
            case 2 -> {
                Map<String, Object> fix = fix();
                fix.put(pick(FIX_FIELDS.subList(1, FIX_FIELDS.size())), value);
                return post("NaN and Infinity", POSITIONS, a.ana(), Json.write(fields("batch_id", "b_1", "fixes",
                        List.of(fix))), Set.of(INVALID));
            }
            default -> {
                String endpoint = pick(List.of(EVENTS, QUEUE));
                String query = endpoint.equals(EVENTS) ? "?batch_id=b_1&limit=" : "?limit=";
                String number = literal.equals("+1") ? "Infinity" : literal; // a query's "+1" is a fine 1
                return get("NaN and Infinity", endpoint, endpoint.equals(EVENTS) ? a.sam() : a.mia(),
                        path(endpoint) + query + encode(number), Set.of(INVALID));
            }
        }
    }

    private Hostile deep() {
        int depth = 1000 + random.nextInt(9000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        switch (random.nextInt(4)) {
            case 0 -> {
                String endpoint = pick(BODY_ENDPOINTS);
                return post("deep nesting", endpoint, dangerousCaller(endpoint), nested, Set.of(INVALID));
            }
            case 1 -> {
                String endpoint = pick(BODY_ENDPOINTS);
                Map<String, Object> body = dangerousFields(endpoint);
                body.put(pick(List.copyOf(body.keySet())), new Json.Raw(nested));
                return post("deep nesting", endpoint, dangerousCaller(endpoint), Json.write(body), Set.of(INVALID));
            }
            case 2 -> {
                Map<String, Object> event = proof();
                event.put("payload", new Json.Raw(nested));
                return post("deep nesting", SYNC, a.ana(), Json.write(Map.of("events", List.of(event))),
                        Set.of(INVALID));
            }
            default -> {
                // within the parser's limit, beyond the payload's 16 levels: the event alone is refused
                int shallow = 17 + random.nextInt(40);
                Map<String, Object> event = proof();
                event.put("payload", new Json.Raw("{\"a\":".repeat(shallow) + "1" + "}".repeat(shallow)));
                return sync("deep nesting", a.ana(), event);
            }
        }
    }

    private Hostile oversize() {
        String endpoint = pick(BODY_ENDPOINTS);
        int size = pick(List.of(2 << 20, (1 << 20) + 1, (2 << 20) + 17));
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        if (random.nextBoolean()) {
            // a valid body padded past the cap: read leniently, it would be accepted
            byte[] valid = dangerousBody(endpoint).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(valid, 0, body, 0, valid.length);
        } else {
            body[0] = '"';
            Arrays.fill(body, 1, size - 1, (byte) 'x');
            body[size - 1] = '"';
        }
        Transport transport = random.nextBoolean() ? Transport.CONTENT_LENGTH : Transport.CHUNKED;
        return new Hostile("body over 1 MiB", endpoint, "POST", path(endpoint),
                auth(dangerousCaller(endpoint), List.of("Content-Type: application/json")), body, transport,
                Set.of(TOO_LARGE));
    }

    private Hostile empty() {
        String endpoint = pick(BODY_ENDPOINTS);
        String body = pick(List.of("", "", " ", "\r\n", "\t \n"));
        return new Hostile("empty body", endpoint, "POST", path(endpoint), auth(dangerousCaller(endpoint),
                random.nextBoolean() ? List.of("Content-Type: application/json") : List.of()),
                body.getBytes(StandardCharsets.UTF_8), random.nextBoolean() ? Transport.CONTENT_LENGTH : Transport.CHUNKED,
                Set.of(INVALID));
    }

    /** Odd ids in paths, query strings and bodies, on every endpoint that takes an id. */
    private Hostile ids(List<String> pool, String category) {
        String id = pick(pool);
        String where = pick(List.of("path", "raw-path", "query", "queue", "active", "activate", "complete", "sync", "sync-batch",
                "override", "invalidate", "review", "login", "positions", "positions-driver"));
        switch (where) {
            case "path":
                return get(category, BATCH, pick(validTokens), "/v1/driver/batches/" + encode(id),
                        Set.of("404 NOT_FOUND", INVALID));
            case "raw-path":
                // unencoded in the request line: the JDK's own plain 400 is allowed here
                String raw = id.codePoints().anyMatch(cp -> cp <= 0x20 || cp == 0x7f) ? encode(id) : id;
                return new Hostile(category, BATCH, "GET", "/v1/driver/batches/" + raw, auth(pick(validTokens),
                        List.of()), null, Transport.UNENCODED, Set.of("404 NOT_FOUND", INVALID, PLAIN_400));
            case "query":
                String param = random.nextBoolean() ? "batch_id=" + encode(id) : "batch_id=b_1&after=" + encode(id);
                return get(category, EVENTS, pick(validTokens), "/v1/driver/events?" + param,
                        Set.of("404 NOT_FOUND", INVALID));
            case "queue":
                return get(category, QUEUE, pick(List.of(a.sam(), a.mia(), a.sue())),
                        "/v1/supervisor/review-queue?after=" + encode(id), Set.of(INVALID));
            case "active":
                return get(category, ACTIVE, pick(List.of(a.ana(), a.dan(), a.bob())),
                        "/v1/exclusive/active?include_expired=" + encode(id), Set.of(INVALID));
            case "activate": {
                Map<String, Object> body = activation();
                String field = pick(List.of("merchant_id", "merchant_place_id", "charger_id", "intent_session_id"));
                body.put(field, id);
                if (field.equals("merchant_place_id")) {
                    body.remove("merchant_id");
                }
                // dan already has an ACTIVE session: an activation that passes every check is still refused
                return post(category, ACTIVATE, a.dan(), Json.write(body), Set.of());
            }
            case "complete":
                return post(category, pick(List.of(COMPLETE, CANCEL)), pick(List.of(a.ana(), a.dan(), a.bob())),
                        Json.write(Map.of("exclusive_session_id", id)), Set.of("404 NOT_FOUND", INVALID));
            case "sync": {
                Map<String, Object> event = proof();
                event.put("event_type", pick(List.of("ARRIVED_AT_STOP", "DEPARTED_STOP", "DELAY_REPORTED",
                        "ROUTE_RESUMED", "ROUTE_COMPLETED")));
                event.put(pick(List.of("event_id", "session_id", "reason", "signature")), id);
                return sync(category, a.ana(), event);
            }
            case "sync-batch": {
                Map<String, Object> event = proof();
                event.put("batch_id", id);
                return sync(category, pick(List.of(a.ana(), a.sam(), a.dan())), event);
            }
            case "override":
                return post(category, OVERRIDE, a.sam(), Json.write(random.nextBoolean()
                        ? fields("batch_id", id, "target_status", "SUSPENDED", "reason", "r")
                        : fields("batch_id", "b_1", "target_status", id, "reason", "r")),
                        Set.of("404 NOT_FOUND", INVALID));
            case "invalidate":
                return post(category, INVALIDATE, a.sam(), Json.write(Map.of("driver_id", id)),
                        Set.of("404 NOT_FOUND", INVALID));
            case "review":
                return post(category, REVIEW, a.sam(), Json.write(fields("event_id", id, "note", "checked")),
                        Set.of("404 NOT_FOUND", INVALID));
            case "positions":
                return post(category, POSITIONS, a.ana(), Json.write(fields("batch_id", id, "fixes", List.of(fix()))),
                        Set.of("404 NOT_FOUND", INVALID));
            case "positions-driver":
                // a read: an id that names no driver of the workspace is an empty list
                return get(category, DRIVER_POSITIONS, pick(List.of(a.sam(), a.mia(), a.sue())),
                        "/v1/supervisor/drivers/" + encode(id) + "/positions" + SPAN, Set.of(OK, INVALID,
                                "404 NOT_FOUND"));
            default: {
                Map<String, Object> body = fields("username", id, "pin", "000000", "device_id", "d");
                if (random.nextBoolean()) {
                    body = fields("username", "ana", "pin", "000000", "device_id", id);
                }
                return post(category, LOGIN, null, Json.write(body), Set.of(INVALID, UNAUTHENTICATED,
                        "429 TOO_MANY_ATTEMPTS"));
            }
        }
    }

    private Hostile badToken() {
        String endpoint = pick(ENDPOINTS.subList(1, ENDPOINTS.size()));
        String header = switch (random.nextInt(13)) {
            case 0 -> null;
            case 1 -> "Authorization: Bearer";
            case 2 -> "Authorization: Bearer   ";
            case 3 -> "Authorization: Basic YW5hOjQ4MjE5Mw==";
            case 4 -> "Authorization: Token " + a.ana();
            case 5 -> "Authorization: " + a.sam();
            case 6 -> "Authorization: Bearer " + a.expired();
            case 7 -> "Authorization: Bearer " + a.replaced();
            case 8 -> "Authorization: Bearer " + a.loggedOut();
            case 9 -> "Authorization: Bearer " + forge(pick(validTokens));
            case 10 -> "Authorization: Bearer " + pick(List.of("' OR '1'='1", "null", "undefined", "x".repeat(201),
                    a.ana() + a.ana(), a.ana() + " " + a.sam(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkXzEifQ."));
            case 11 -> "Authorization: Bearer " + pick(List.of("\u00fcn\u00efc\u00f8d\u00e9", "\ud83d\ude00",
                    a.ana().substring(1) + "\u00e9", "\u202e" + a.ana()));
            default -> "Authorization: Bearer " + a.ana().toUpperCase(java.util.Locale.ROOT);
        };
        Transport transport = header != null && header.chars().anyMatch(ch -> ch > 0x7e) ? Transport.UNENCODED
                : Transport.CONTENT_LENGTH;
        List<String> headers = new ArrayList<>();
        if (header != null) {
            headers.add(header);
        }
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        if (method.equals("GET")) {
            return new Hostile("bad tokens", endpoint, "GET", readTarget(endpoint), headers, null, transport,
                    Set.of(UNAUTHENTICATED));
        }
        // a body the endpoint would accept from the token's owner: only authentication stands in the way
        headers.add("Content-Type: application/json");
        String body = endpoint.equals(REFRESH) || endpoint.equals(LOGOUT) ? "{}" : dangerousBody(endpoint);
        return new Hostile("bad tokens", endpoint, "POST", path(endpoint), headers,
                body.getBytes(StandardCharsets.UTF_8), transport, Set.of(UNAUTHENTICATED));
    }

    /** Well-formed requests by a caller the contract refuses: another workspace, not assigned, wrong role. */
    private Hostile trespass() {
        String c = "another workspace / not assigned / wrong role";
        String notFound = "404 NOT_FOUND";
        String forbidden = "403 FORBIDDEN";
        switch (random.nextInt(17)) {
            case 0:
                return get(c, BATCH, pick(List.of(a.bob(), a.sue(), a.dan())), "/v1/driver/batches/b_1",
                        Set.of(notFound));
            case 1:
                return get(c, BATCH, pick(List.of(a.ana(), a.sam(), a.mia())), "/v1/driver/batches/b_2",
                        Set.of(notFound));
            case 2:
                return get(c, EVENTS, pick(List.of(a.bob(), a.sue(), a.dan())),
                        "/v1/driver/events?batch_id=" + pick(List.of("b_1", "b_3")), Set.of(notFound));
            case 3:
                return get(c, EVENTS, pick(List.of(a.ana(), a.sam(), a.mia())), "/v1/driver/events?batch_id=b_2",
                        Set.of(notFound));
            case 4: {
                Map<String, Object> event = proof();
                event.put("batch_id", pick(List.of("b_1", "b_3")));
                String caller = pick(List.of(a.bob(), a.sue(), a.dan(), a.mia()));
                return sync(c, caller, event);
            }
            case 5: {
                Map<String, Object> event = proof();
                event.put("batch_id", "b_2");
                return sync(c, pick(List.of(a.ana(), a.sam(), a.mia())), event);
            }
            case 6: {
                Map<String, Object> event = proof();
                event.put("event_type", "SUPERVISOR_OVERRIDE");
                event.put("target_status", "SUSPENDED");
                event.put("reason", "r");
                String caller = pick(List.of(a.ana(), a.mia(), a.sue()));
                return sync(c, caller, event);
            }
            case 7:
                return post(c, OVERRIDE, a.sue(), Json.write(overrideBody()), Set.of(notFound));
            case 8:
                return post(c, OVERRIDE, pick(List.of(a.ana(), a.mia(), a.dan(), a.bob())), Json.write(overrideBody()),
                        Set.of(forbidden));
            case 9:
                return post(c, INVALIDATE, a.sue(), Json.write(Map.of("driver_id", pick(List.of("d_1", "d_3")))),
                        Set.of(notFound));
            case 10:
                return post(c, INVALIDATE, pick(List.of(a.ana(), a.mia(), a.dan(), a.bob())),
                        Json.write(Map.of("driver_id", "d_1")), Set.of(forbidden));
            case 11:
                return post(c, pick(List.of(COMPLETE, CANCEL)), pick(List.of(a.ana(), a.bob())),
                        Json.write(Map.of("exclusive_session_id", a.activeSession())), Set.of(notFound));
            case 12: {
                String endpoint = pick(List.of(ACTIVATE, COMPLETE, CANCEL, ACTIVE));
                String caller = pick(List.of(a.sam(), a.mia(), a.sue()));
                if (endpoint.equals(ACTIVE)) {
                    return get(c, ACTIVE, caller, "/v1/exclusive/active", Set.of(forbidden));
                }
                String body = endpoint.equals(ACTIVATE) ? Json.write(activation())
                        : Json.write(Map.of("exclusive_session_id", a.activeSession()));
                return post(c, endpoint, caller, body, Set.of(forbidden));
            }
            case 14:
                return post(c, POSITIONS, pick(List.of(a.sam(), a.mia(), a.sue())),
                        Json.write(fields("batch_id", pick(List.of("b_1", "b_2")), "fixes", List.of(fix()))),
                        Set.of(forbidden));
            case 15: {
                boolean ana = random.nextBoolean();
                String caller = ana ? a.ana() : pick(List.of(a.bob(), a.dan()));
                String batch = ana ? "b_2" : pick(List.of("b_1", "b_3"));
                return post(c, POSITIONS, caller, Json.write(fields("batch_id", batch, "fixes", List.of(fix()))),
                        Set.of(notFound));
            }
            case 16:
                if (random.nextBoolean()) {
                    return get(c, DRIVER_POSITIONS, pick(List.of(a.bob(), a.dan())),
                            "/v1/supervisor/drivers/d_1/positions" + SPAN, Set.of(forbidden));
                }
                return get(c, OWN_POSITIONS, pick(List.of(a.sam(), a.mia(), a.sue())),
                        "/v1/driver/positions" + SPAN, Set.of(forbidden));
            default: {
                String endpoint = pick(List.of(QUEUE, DRIVERS, REVIEW));
                String caller = pick(List.of(a.ana(), a.dan(), a.bob()));
                if (endpoint.equals(REVIEW)) {
                    return post(c, REVIEW, random.nextBoolean() ? caller : a.mia(),
                            Json.write(fields("event_id", "e-1", "note", "n")), Set.of(forbidden));
                }
                return get(c, endpoint, caller, path(endpoint), Set.of(forbidden));
            }
        }
    }

    private Hostile wrongMethod() {
        String endpoint = pick(ENDPOINTS);
        String right = endpoint.substring(0, endpoint.indexOf(' '));
        List<String> others = new ArrayList<>(List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"));
        others.remove(right);
        if (endpoint.equals(SYNC) || endpoint.equals(EVENTS) || endpoint.equals(POSITIONS)
                || endpoint.equals(OWN_POSITIONS)) {
            others.removeAll(List.of("GET", "POST"));
        }
        String method = pick(others);
        String target = endpoint.equals(BATCH) ? "/v1/driver/batches/b_1"
                : endpoint.equals(DRIVER_POSITIONS) ? "/v1/supervisor/drivers/d_1/positions" : path(endpoint);
        byte[] body = method.equals("GET") || method.equals("OPTIONS") ? null
                : dangerousBody(BODY_ENDPOINTS.contains(endpoint) ? endpoint : LOGIN).getBytes(StandardCharsets.UTF_8);
        return new Hostile("wrong method", WRONG_METHOD, method, target,
                auth(pick(validTokens), List.of("Content-Type: application/json")), body, Transport.CONTENT_LENGTH,
                Set.of("405 METHOD_NOT_ALLOWED"));
    }

    private Hostile unknownPath() {
        String target = pick(List.of("/", "/v1", "/v1/", "/v1/auth", "/v1/auth/login/", "/v1/auth/Login",
                "/V1/auth/login", "/v1//auth/login", "/v2/auth/login", "/v1/driver/batches", "/v1/driver/batches/",
                "/v1/driver/batches/b_1/", "/v1/driver/batches/b_1/events", "/v1/driver/events/1",
                "/v1/supervisor", "/v1/supervisor/sessions", "/v1/supervisor/sessions/invalidate/d_1",
                "/v1/exclusive", "/v1/exclusive/activate/x", "/admin", "/.env", "/v1/auth/login%00",
                "/v1/auth/..%2Flogin", "/v1/%2e%2e/auth/login", "/v1/driver/batches/b_1/..", "/favicon.ico",
                "/v1/driver/batches/%2F/x", "/v1/supervisor/drivers.json", "/v1/exclusive/active;jsessionid=1",
                "/v1/driver/positions/1", "/v1/driver/positions/", "/v1/supervisor/drivers/d_1",
                "/v1/supervisor/drivers//positions", "/v1/supervisor/drivers/d_1/positions/x",
                "/" + encode(pick(SQL)), "/v1/" + encode(pick(UNICODE)), "/v1/" + "a/".repeat(300)));
        String method = pick(List.of("GET", "POST", "DELETE"));
        byte[] body = method.equals("POST") ? "{}".getBytes(StandardCharsets.UTF_8) : null;
        return new Hostile("unknown path", UNKNOWN_PATH, method, target,
                random.nextBoolean() ? auth(pick(validTokens), List.of()) : List.of(), body, Transport.CONTENT_LENGTH,
                Set.of("404 NOT_FOUND"));
    }

    private Hostile contentType() {
        String endpoint = pick(BODY_ENDPOINTS);
        Map<String, Object> fields = dangerousFields(endpoint);
        String type = pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1", "application/octet-stream",
                "", "json", "application/json, text/html", "application/json; charset=utf-16"));
        String body = switch (random.nextInt(3)) {
            case 0 -> form(fields);
            case 1 -> "<request>" + fields.keySet().stream().map(k -> "<" + k + ">" + fields.get(k) + "</" + k + ">")
                    .reduce("", String::concat) + "</request>";
            default -> fields.toString();
        };
        List<String> headers = type.isEmpty() ? List.of() : List.of("Content-Type: " + type);
        return new Hostile("wrong content type", endpoint, "POST", path(endpoint), auth(dangerousCaller(endpoint),
                headers), body.getBytes(StandardCharsets.UTF_8), Transport.CONTENT_LENGTH, Set.of(INVALID));
    }

    // --- bodies -------------------------------------------------------------------------------

    /**
     * The caller for whom the endpoint's body from {@link #dangerousFields} would be carried out,
     * were it well-formed: so a parser or a check that let it through would change the database.
     */
    private String dangerousCaller(String endpoint) {
        return switch (endpoint) {
            case LOGIN -> null;
            case OVERRIDE, INVALIDATE, REVIEW -> a.sam();
            default -> a.ana();
        };
    }

    /**
     * A body the endpoint would carry out for {@link #dangerousCaller}: a login with the right PIN,
     * an activation by a driver with no session, a proof event, an override, ending dan's session.
     * Complete and cancel name ana's completed session and review names no item (no valid
     * well-formed body is possible without looking), so those two are refused even well-formed.
     */
    private Map<String, Object> dangerousFields(String endpoint) {
        return switch (endpoint) {
            case LOGIN -> fields("username", "ana", "pin", HttpApiContract.ANA_PIN, "device_id", "ana-phone");
            case ACTIVATE -> activation();
            case COMPLETE, CANCEL -> fields("exclusive_session_id", a.completedSession());
            case SYNC -> fields("events", List.of(proof()));
            case OVERRIDE -> overrideBody();
            case INVALIDATE -> fields("driver_id", "d_3");
            case REVIEW -> fields("event_id", "e-1", "note", "looked at it");
            case POSITIONS -> fields("batch_id", "b_1", "fixes", List.of(fix()));
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private String dangerousBody(String endpoint) {
        return Json.write(dangerousFields(endpoint));
    }

    private Map<String, Object> activation() {
        return fields("merchant_id", "m_123", "charger_id", "ch_456", "lat", 30.2672, "lng", -97.7431, "accuracy_m", 12);
    }

    private static Map<String, Object> overrideBody() {
        return fields("batch_id", "b_1", "target_status", "SUSPENDED", "reason", "van inspection");
    }

    /** A fix ana could send for b_1: taken if nothing else is wrong with it. */
    private Map<String, Object> fix() {
        return fields("recorded_at", a.recordedAt(), "lat", 30.27, "lng", -97.74, "accuracy_m", 5);
    }

    /** A proof event on b_1 that ana could send: accepted if nothing else is wrong with it. */
    private Map<String, Object> proof() {
        return fields("event_id", "h-" + (++sequence), "batch_id", "b_1", "event_type", "PROOF_CAPTURED",
                "recorded_at", a.recordedAt());
    }

    private Object wrongValueFor(String field) {
        List<Object> values = switch (field) {
            case "lat", "lng", "accuracy_m", "speed_mps", "heading_deg" -> List.of("30.27", "NaN", true, List.of(),
                    Map.of(), "");
            case "stop_index" -> List.of(new Json.Raw("1.5"), "0", true, List.of(0), Map.of(), new Json.Raw("-0.5"));
            case "payload" -> List.of("{}", 1, List.of(), true, new Json.Raw("[{}]"));
            case "events" -> List.of(Map.of(), "[]", 1, true, Map.of("0", Map.of()));
            case "pin" -> List.of(new Json.Raw("482193"), List.of("482193"), Map.of("pin", "482193"), true);
            default -> List.of(new Json.Raw("1"), true, List.of(), Map.of(), List.of("b_1"), Map.of("id", "b_1"),
                    new Json.Raw("-0"), new Json.Raw("1.5"), false);
        };
        return pick(values);
    }

    private String duplicateKey(String valid) {
        int colon = valid.indexOf("\":");
        String key = valid.substring(1, colon + 2);
        int end = valid.indexOf(',', colon);
        if (end < 0 || valid.substring(colon, end).contains("[")) {
            return "{" + key + "null," + valid.substring(1);
        }
        return "{" + valid.substring(1, end) + "," + valid.substring(1);
    }

    private static String form(Map<String, Object> fields) {
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> parts.add(encode(k) + "=" + encode(String.valueOf(v))));
        return String.join("&", parts);
    }

    private String forge(String token) {
        char[] chars = token.toCharArray();
        int i = random.nextInt(chars.length);
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    // --- requests -----------------------------------------------------------------------------

    private Hostile post(String category, String endpoint, String token, String json, Set<String> must) {
        return new Hostile(category, endpoint, "POST", path(endpoint),
                auth(token, List.of("Content-Type: application/json")), json.getBytes(StandardCharsets.UTF_8),
                Transport.CONTENT_LENGTH, must);
    }

    /**
     * A sync whose events are each refused (200, every result {@code REJECTED}), or, when a string
     * holds half a surrogate pair, refused as a whole as malformed.
     */
    private Hostile sync(String category, String token, Map<String, Object> event) {
        List<Object> events = new ArrayList<>();
        events.add(event);
        for (int i = random.nextInt(3); i > 0; i--) {
            Map<String, Object> another = proof();
            another.put("event_type", "ROUTE_COMPLETED");
            another.put("batch_id", pick(List.of("b_2", "nope", "b_1")));
            events.add(random.nextInt(events.size() + 1) == 0 ? another : pick(List.of(1, "x", List.of(), another)));
        }
        String json = Json.write(Map.of("events", events));
        boolean halfPair = Json.hasHalfPair(json);
        return post(category, SYNC, token, json, Set.of(halfPair ? INVALID : OK));
    }

    private Hostile get(String category, String endpoint, String token, String target, Set<String> must) {
        return new Hostile(category, endpoint, "GET", target, auth(token, List.of()), null, Transport.CONTENT_LENGTH, must);
    }

    private String readTarget(String endpoint) {
        return switch (endpoint) {
            case BATCH -> "/v1/driver/batches/b_1";
            case EVENTS -> "/v1/driver/events?batch_id=b_1";
            case OWN_POSITIONS -> "/v1/driver/positions" + SPAN;
            case DRIVER_POSITIONS -> "/v1/supervisor/drivers/d_1/positions" + SPAN;
            default -> path(endpoint);
        };
    }

    private static List<String> auth(String token, List<String> headers) {
        List<String> out = new ArrayList<>(headers);
        if (token != null) {
            out.add(0, "Authorization: Bearer " + token);
        }
        return out;
    }

    static String path(String endpoint) {
        return endpoint.substring(endpoint.indexOf(' ') + 1);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A JSON writer that keeps a literal as given ({@link Raw}) and escapes every non-ASCII character. */
    static final class Json {
        /** A JSON literal written as is: {@code 1e400}, {@code NaN}, deep nesting. */
        record Raw(String text) {
        }

        private Json() {
        }

        /**
         * @param json text from {@link #write} (every non-ASCII character escaped)
         * @return whether a string in it holds half a surrogate pair
         */
        static boolean hasHalfPair(String json) {
            for (int i = json.indexOf("\\u"); i >= 0; i = json.indexOf("\\u", i + 6)) {
                char c = (char) Integer.parseInt(json.substring(i + 2, i + 6), 16);
                if (Character.isHighSurrogate(c) && json.startsWith("\\u", i + 6)
                        && Character.isLowSurrogate((char) Integer.parseInt(json.substring(i + 8, i + 12), 16))) {
                    i += 6;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof Raw raw) {
                out.append(raw.text());
            } else if (value instanceof String s) {
                out.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char ch = s.charAt(i);
                    if (ch == '"' || ch == '\\') {
                        out.append('\\').append(ch);
                    } else if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
                out.append('"');
            } else if (value instanceof Map<?, ?> m) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof List<?> l) {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(l.get(i), out);
                }
                out.append(']');
            } else {
                out.append(value);
            }
        }
    }
}
