package io.fleetgate.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a round's CPU went, for finding what a comparison spends (diagnostic, off by default):
 * with {@code FLEETGATE_BENCH_PG_PID} set to a PostgreSQL server's postmaster pid on this machine,
 * each round prints the CPU per operation of this JVM and of that server's processes (its
 * backends and background workers, from {@code /proc}). On a shared machine these counts move
 * much less than throughput does, because they do not include the time spent waiting.
 */
final class CpuMeter {
    /** CPU counters at the start of a round, in nanoseconds. */
    record Sample(long jvmNanos, long dbNanos) {
    }

    private static final long TICK_NANOS = 10_000_000L; // USER_HZ 100, as on Linux x86-64
    private final long postmaster;

    private CpuMeter(long postmaster) {
        this.postmaster = postmaster;
    }

    /** @return a meter reading {@code FLEETGATE_BENCH_PG_PID}, or one that measures nothing */
    static CpuMeter fromEnvironment() {
        String pid = System.getenv("FLEETGATE_BENCH_PG_PID");
        return new CpuMeter(pid == null || pid.isBlank() ? 0 : Long.parseLong(pid.trim()));
    }

    /** @return the counters now, or nothing when this meter is off */
    Sample sample() {
        return postmaster == 0 ? null : new Sample(jvmCpu(), dbCpu());
    }

    /** Prints the CPU per operation since {@code start}, when this meter is on. */
    void report(PrintStream log, String side, Sample start, int ops) {
        if (start == null) {
            return;
        }
        Sample end = sample();
        log.printf(Locale.ROOT, "  CPU %-8s jvm %8.1f µs/op  db %8.1f µs/op%n", side,
                (end.jvmNanos() - start.jvmNanos()) / 1e3 / ops, (end.dbNanos() - start.dbNanos()) / 1e3 / ops);
    }

    private static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** @return user and system time of the postmaster and its children, in nanoseconds */
    private long dbCpu() {
        long ticks = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the process ended between listing and reading
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long pid = Long.parseLong(proc.getFileName().toString());
                long ppid = Long.parseLong(f[1]);
                if (pid == postmaster || ppid == postmaster) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return ticks * TICK_NANOS;
    }
}
