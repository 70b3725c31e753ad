package io.fleetgate.examples.http;

import io.fleetgate.FleetgateSettings;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The {@code serve} subcommand: starts an {@link HttpHost} and prints
 * {@code listening on http://127.0.0.1:PORT}; the server's threads keep the JVM running until it
 * is stopped (a shutdown hook closes the host). Stateless and thread-safe.
 */
public final class ServeCommand {
    private ServeCommand() {
    }

    /**
     * @param args the options after {@code serve}
     * @param env  the environment, e.g. {@code System.getenv()}
     * @param out  where the listening line goes
     * @param err  where warnings and the one-line failure go
     * @return 0 once serving; 2 for invalid options or settings; 1 if the host could not start
     */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        ServeOptions options;
        try {
            options = ServeOptions.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("serve: " + oneLine(e.getMessage()));
            return 2;
        }
        FleetgateSettings settings;
        try {
            settings = HttpHost.settings(env, err);
        } catch (IllegalArgumentException e) {
            err.println("serve: invalid setting: " + oneLine(e.getMessage()));
            return 2;
        }
        HttpHost host;
        try {
            host = HttpHost.start(options, settings, Clock.systemUTC());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("serve: " + oneLine(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            err.println("serve: cannot open " + options.dbUrl() + ": " + oneLine(rootMessage(e)));
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(host::close, "fleetgate-http-shutdown"));
        out.println("listening on http://127.0.0.1:" + host.port());
        out.flush();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
