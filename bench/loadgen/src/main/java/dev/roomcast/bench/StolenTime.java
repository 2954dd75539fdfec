package dev.roomcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The time the hypervisor took from one CPU (the steal column of its /proc/stat line): on a shared virtual machine it
 * is what makes the same server's figures move between passes, so every pass reports it next to them.
 */
final class StolenTime {

    /** Field of a cpu line of /proc/stat, after the name: user nice system idle iowait irq softirq steal. */
    private static final int STEAL = 8;

    private final String cpu;

    StolenTime(int cpu) {
        this.cpu = "cpu" + cpu;
    }

    /** Microseconds stolen from the CPU since boot; 0 where the kernel does not count it. */
    long micros() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                String[] fields = line.split(" +");
                if (fields[0].equals(cpu)) {
                    return fields.length > STEAL ? Long.parseLong(fields[STEAL]) * 1_000_000 / ServerCpu.TICKS_PER_SECOND : 0;
                }
            }
            throw new IllegalStateException("no " + cpu + " in /proc/stat");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }
}
