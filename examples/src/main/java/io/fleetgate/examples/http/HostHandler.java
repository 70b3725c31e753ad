package io.fleetgate.examples.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Jetty's side of the host: takes each request from Jetty, reads its body without blocking (so a
 * slow body holds no thread), hands the request to a request thread for the {@link Router} and
 * the store, and writes the answer without blocking. The {@link ConnectionGuard} is told where
 * each connection stands (body, working, answered), so it can enforce its deadlines.
 *
 * <p>Order per request: the rate limit ({@link Router#admit}, before anything is read), then the
 * body (at most {@link JsonIo#MAX_BODY_BYTES} + 1 bytes; nothing when its declared length is over
 * the cap), then the handler on a request thread, or for a login on a thread of the login lane. A 413 answer first takes in and throws away what
 * is left of the body, up to {@link Router#DRAIN_LIMIT} (see {@code requestWhenBodyOverOneMebibyteThen413}):
 * that happens here, again without blocking. Thread-safe.
 */
final class HostHandler extends Handler.Abstract.NonBlocking {
    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");
    private static final byte[] INTERNAL = "{\"error\":\"INTERNAL\",\"message\":\"internal error; the failure was logged\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final Router router;
    private final ExecutorService workers;
    private final ExecutorService logins;
    private final ConnectionGuard guard;
    private final HostMetrics metrics;

    /**
     * @param router  what answers
     * @param workers the request threads
     * @param logins  the login lane's threads: logins wait there for the PIN-hashing lane, so a
     *                flood of them never holds a request thread another call needs
     * @param guard   the connections' deadlines
     * @param metrics where each answered request is counted (by route template), or {@code null}
     */
    HostHandler(Router router, ExecutorService workers, ExecutorService logins, ConnectionGuard guard,
                HostMetrics metrics) {
        this.router = router;
        this.workers = workers;
        this.logins = logins;
        this.guard = guard;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, org.eclipse.jetty.server.Response response, Callback callback) {
        long started = System.nanoTime();
        Connection connection = request.getConnectionMetaData().getConnection();
        guard.bodyStarted(connection);
        Incoming head = incoming(request, new byte[0], null);
        Response limited = router.admit(head);
        if (limited != null) {
            send(request, response, callback, head, limited, started);
            return true;
        }
        long declared = request.getLength();
        if (declared > JsonIo.MAX_BODY_BYTES) {
            dispatch(request, response, callback, head, started, 0);
            return true;
        }
        new BodyReader(request, JsonIo.MAX_BODY_BYTES + 1L, (body, failure) ->
                dispatch(request, response, callback, incoming(request, body, failure), started, body.length)).run();
        return true;
    }

    private static Incoming incoming(Request request, byte[] body, IOException failure) {
        return new Incoming(request.getMethod(), request.getHttpURI().getPath(), request.getHttpURI().getQuery(),
                name -> request.getHeaders().get(name), Request.getRemoteAddr(request), body, failure);
    }

    /**
     * On a request thread (a login on the login lane): the router, then (after a drain for a 413)
     * the answer.
     */
    private void dispatch(Request request, org.eclipse.jetty.server.Response response, Callback callback,
                          Incoming in, long started, long alreadyRead) {
        guard.working(request.getConnectionMetaData().getConnection());
        try {
            (router.isLogin(in) ? logins : workers).execute(() -> {
                Response answer = router.handle(in);
                if (answer.status() == 413) {
                    guard.bodyStarted(request.getConnectionMetaData().getConnection());
                    long left = Math.max(0, Router.DRAIN_LIMIT - alreadyRead);
                    new BodyReader(request, left, null, () -> send(request, response, callback, in, answer, started))
                            .run();
                } else {
                    send(request, response, callback, in, answer, started);
                }
            });
        } catch (RejectedExecutionException stopping) {
            callback.failed(stopping);
        }
    }

    private void send(Request request, org.eclipse.jetty.server.Response response, Callback callback, Incoming in,
                      Response answer, long started) {
        if (answer.body() instanceof Response.Later later) {
            later.answer().whenComplete((r, failure) -> send(request, response, callback, in,
                    r != null ? r : router.failure(failure), started));
            return;
        }
        if (answer.body() instanceof Response.Stream stream) {
            stream(request, response, callback, in, answer, stream, started);
            return;
        }
        int status = answer.status();
        byte[] bytes = null;
        String contentType = "application/json; charset=utf-8";
        if (answer.body() instanceof Response.Text text) {
            bytes = text.bytes();
            contentType = text.contentType();
        } else if (answer.body() != null) {
            try {
                bytes = JsonIo.write(answer.body());
            } catch (RuntimeException unwritable) {
                LOG.atError().setMessage("http_internal_error").setCause(unwritable).log();
                bytes = INTERNAL;
                status = 500;
            }
        }
        response.setStatus(status);
        if (status != 500 || bytes != INTERNAL) {
            answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        }
        ByteBuffer content = null;
        if (bytes != null) {
            response.getHeaders().put("Content-Type", contentType);
            response.getHeaders().put(new HttpField(org.eclipse.jetty.http.HttpHeader.CONTENT_LENGTH,
                    Integer.toString(bytes.length)));
            content = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }
        int sent = status;
        // counted before the write, so a client that has its answer also finds it in /metrics
        measure(in, sent, started);
        String error = status == 500 && bytes == INTERNAL ? "INTERNAL" : Router.errorOf(answer);
        Connection connection = request.getConnectionMetaData().getConnection();
        response.write(true, content, new Callback() {
            @Override
            public void succeeded() {
                guard.answered(connection);
                Router.log(in, sent, error, started);
                callback.succeeded();
            }

            @Override
            public void failed(Throwable clientGone) {
                LOG.atDebug().setMessage("http_client_gone").addKeyValue("path", io.fleetgate.internal.LogValues
                        .text(in.rawPath())).log();
                Router.log(in, 500, error, started);
                callback.failed(clientGone);
            }
        });
    }

    /** Sends a stream's head, then lets it write until it ends or the client goes. */
    private void stream(Request request, org.eclipse.jetty.server.Response response, Callback callback, Incoming in,
                        Response answer, Response.Stream stream, long started) {
        response.setStatus(answer.status());
        answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.getHeaders().put("Content-Type", stream.contentType());
        measure(in, answer.status(), started);
        Connection connection = request.getConnectionMetaData().getConnection();
        stream.opened().accept(new JettySink(response, () -> {
            guard.answered(connection);
            Router.log(in, answer.status(), null, started);
            callback.succeeded();
        }, failure -> {
            Router.log(in, answer.status(), null, started);
            callback.failed(failure);
        }));
    }

    /**
     * A stream's writes to Jetty: one at a time (Jetty allows no other), the end after the write
     * in flight. Thread-safe.
     */
    private static final class JettySink implements Response.Sink {
        private final org.eclipse.jetty.server.Response response;
        private final Runnable ended;
        private final java.util.function.Consumer<Throwable> failed;
        private boolean writing;
        private boolean endAfterWrite;
        private boolean done;

        JettySink(org.eclipse.jetty.server.Response response, Runnable ended,
                  java.util.function.Consumer<Throwable> failed) {
            this.response = response;
            this.ended = ended;
            this.failed = failed;
        }

        @Override
        public void write(String text, java.util.function.Consumer<Boolean> written) {
            synchronized (this) {
                if (done || writing || endAfterWrite) {
                    throw new IllegalStateException("one write at a time, before the end");
                }
                writing = true;
            }
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), new Callback() {
                @Override
                public void succeeded() {
                    boolean end;
                    synchronized (JettySink.this) {
                        writing = false;
                        end = endAfterWrite;
                    }
                    if (end) {
                        finish();
                    }
                    written.accept(true);
                }

                @Override
                public void failed(Throwable clientGone) {
                    synchronized (JettySink.this) {
                        writing = false;
                        done = true;
                    }
                    failed.accept(clientGone);
                    written.accept(false);
                }
            });
        }

        @Override
        public void end() {
            synchronized (this) {
                if (done || endAfterWrite) {
                    return;
                }
                if (writing) {
                    endAfterWrite = true;
                    return;
                }
            }
            finish();
        }

        private void finish() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            response.write(true, null, new Callback() {
                @Override
                public void succeeded() {
                    ended.run();
                }

                @Override
                public void failed(Throwable clientGone) {
                    failed.accept(clientGone);
                }
            });
        }
    }

    private void measure(Incoming in, int status, long started) {
        if (metrics != null) {
            metrics.request(in.method(), router.template(in.method(), in.rawPath()), status,
                    System.nanoTime() - started);
        }
    }

    /** What a body read ends with. */
    @FunctionalInterface
    private interface BodyDone {
        void done(byte[] body, IOException failure);
    }

    /**
     * Reads a body without blocking: takes what has arrived, and asks Jetty to call back when more
     * does. Keeps up to {@code limit} bytes (or, to drain, counts and throws them away), then stops.
     */
    private static final class BodyReader implements Runnable {
        private final Request request;
        private final long limit;
        private final BodyDone done;
        private final Runnable drained;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long read;

        /** Keeps the body. */
        BodyReader(Request request, long limit, BodyDone done) {
            this(request, limit, done, null);
        }

        /** Keeps it ({@code done}) or throws it away ({@code drained}). */
        BodyReader(Request request, long limit, BodyDone done, Runnable drained) {
            this.request = request;
            this.limit = limit;
            this.done = done;
            this.drained = drained;
        }

        @Override
        public void run() {
            while (true) {
                if (read >= limit) {
                    finish(null);
                    return;
                }
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable why = chunk.getFailure();
                    finish(why instanceof IOException io ? io : new IOException(why.getMessage(), why));
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int n = (int) Math.min(buffer.remaining(), limit - read);
                if (done != null && n > 0) {
                    byte[] part = new byte[n];
                    buffer.get(part);
                    kept.write(part, 0, n);
                }
                read += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    finish(null);
                    return;
                }
            }
        }

        private void finish(IOException failure) {
            if (done != null) {
                done.done(kept.toByteArray(), failure);
            } else {
                drained.run();
            }
        }
    }
}
