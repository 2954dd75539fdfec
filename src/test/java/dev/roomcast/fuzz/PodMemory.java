package dev.roomcast.fuzz;

import dev.roomcast.testing.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pod's memory as the operating system and its JVM see it: resident set size from {@code /proc}, and the heap in use
 * right after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}), which is what the pod still holds.
 */
record PodMemory(long rssKiB, long heapUsedKiB) {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    static PodMemory of(long pid) {
        jcmd(pid, "GC.run");
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!heap.find()) {
            throw new IllegalStateException("no heap figure from jcmd " + pid + " GC.heap_info");
        }
        try {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            if (!rss.find()) {
                throw new IllegalStateException("no VmRSS for process " + pid);
            }
            return new PodMemory(Long.parseLong(rss.group(1)), Long.parseLong(heap.group(1)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jcmd(long pid, String command) {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        return Commands.run(List.of(java.resolveSibling("jcmd").toString(), Long.toString(pid), command));
    }

    @Override
    public String toString() {
        return "RSS " + rssKiB / 1024 + " MiB, heap after GC " + heapUsedKiB / 1024 + " MiB";
    }
}
