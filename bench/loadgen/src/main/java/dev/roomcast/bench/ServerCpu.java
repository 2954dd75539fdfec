package dev.roomcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The server processes' CPU time (user + system) and resident memory from /proc, summed over the processes (one, or
 * the pods of a cluster): the figures every run divides.
 */
final class ServerCpu {

    /** The kernel's clock ticks per second for /proc/PID/stat and /proc/stat (USER_HZ, 100 on Linux). */
    static final long TICKS_PER_SECOND = 100;

    private final long[] pids;

    ServerCpu(long... pids) {
        this.pids = pids;
    }

    /** From a comma-separated list of pids. */
    static ServerCpu of(String pids) {
        return new ServerCpu(Arrays.stream(pids.split(",")).mapToLong(Long::parseLong).toArray());
    }

    long micros() {
        long ticks = 0;
        for (long pid : pids) {
            ticks += cpuTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    /**
     * The CPU time of the servers' JIT compiler threads (HotSpot names them "C1 CompilerThre..." and "C2 CompilerThre...";
     * Node's V8 compiles on threads named like all its others, so a Node server's is 0), to tell a server that is still
     * compiling its path from one whose JIT has settled.
     */
    long compilerMicros() {
        long ticks = 0;
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String comm;
                    String line;
                    try {
                        comm = Files.readString(task.resolve("comm"));
                        line = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue; // a thread that ended meanwhile
                    }
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        ticks += cpuTicks(line);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list the threads of " + pid, e);
            }
        }
        return ticks * 1_000_000 / TICKS_PER_SECOND;
    }

    /** User plus system time of a process's or thread's stat line, in clock ticks. */
    private static long cpuTicks(String statLine) {
        // The command name may hold spaces; fields are counted after its closing parenthesis.
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Resident memory, in KiB (VmRSS). */
    long residentKib() {
        long kib = 0;
        for (long pid : pids) {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            kib += read(status)
                    .lines()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no VmRSS in " + status));
        }
        return kib;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
