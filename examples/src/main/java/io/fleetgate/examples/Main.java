package io.fleetgate.examples;

import io.fleetgate.examples.http.ServeCommand;

import java.io.PrintStream;
import java.util.List;

/**
 * The examples jar's entry point: {@code java -jar fleetgate-examples.jar <command> [options]}.
 *
 * <p>Each subcommand is one entry in {@link #COMMANDS}. A command returns its exit status; a
 * non-zero status ends the JVM with it, while 0 lets the JVM end when the command's own threads
 * do (so a server may keep running after its command returns). Stateless and thread-safe.
 */
public final class Main {

    /** What a subcommand does with the arguments after its name; returns the exit status. */
    @FunctionalInterface
    interface Action {
        int run(List<String> args) throws Exception;
    }

    private record Command(String name, String summary, Action action) {
    }

    private static final List<Command> COMMANDS = List.of(
            new Command("demo", "scripted scenario on embedded SQLite, prints what happens", Main::demo),
            new Command("serve", "the HTTP host (docs/http-api.md): [--port N] [--db JDBC_URL] [--db-user U] "
                    + "[--db-password P] [--fixtures FILE]", Main::serve),
            new Command("bench", "library vs raw JDBC and rules vs alternatives (docs/benchmarks.md): [--quick] "
                    + "[--db JDBC_URL --db-user U --db-password P]",
                    args -> io.fleetgate.examples.bench.Bench.run(args, System.out, System.err)),
            new Command("torture", "one step of scripts/torture's reliability scenarios (docs/reliability.md): "
                    + "<step> [options]",
                    args -> io.fleetgate.examples.torture.Torture.run(args, System.out, System.err)));

    private Main() {
    }

    /**
     * Runs the subcommand named by the first argument; prints usage and exits with 2 when there is
     * none or it is unknown.
     *
     * @param args the command name, then its options
     */
    public static void main(String[] args) {
        int status = run(List.of(args), System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one subcommand.
     *
     * @param args the command name, then its options
     * @param err  where usage and failures are printed
     * @return the exit status: the command's own, 2 for a usage error, 1 if the command failed
     */
    static int run(List<String> args, PrintStream err) {
        Command command = args.isEmpty() ? null : find(args.get(0));
        if (command == null) {
            err.print(usage());
            return 2;
        }
        try {
            return command.action().run(args.subList(1, args.size()));
        } catch (Exception e) {
            err.println(command.name() + " failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    /** @return the usage text, one line per command */
    static String usage() {
        StringBuilder text = new StringBuilder("usage: java -jar fleetgate-examples.jar <command> [options]\n");
        for (Command c : COMMANDS) {
            text.append(String.format("  %-7s %s%n", c.name(), c.summary()));
        }
        return text.toString();
    }

    private static Command find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    private static int serve(List<String> args) {
        return ServeCommand.run(args, System.getenv(), System.out, System.err);
    }

    private static int demo(List<String> args) {
        if (!args.isEmpty()) {
            System.err.println("demo takes no options");
            return 2;
        }
        Demo.run(System.out);
        return 0;
    }
}
