package dev.roomcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server process's CPU time (user + system) and resident memory from /proc: the figures every run divides.
 */
final class ServerCpu {

    /** The kernel's clock ticks per second for /proc/PID/stat (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private final Path stat;
    private final Path status;

    ServerCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        this.status = Path.of("/proc", Long.toString(pid), "status");
    }

    /** Resident memory, in KiB (VmRSS). */
    long residentKib() {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS in " + status);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + status, e);
        }
    }

    long micros() {
        try {
            String line = Files.readString(stat);
            // The command name may hold spaces; fields are counted after its closing parenthesis.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000 / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + stat, e);
        }
    }
}
