import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns bench/run's results (one loadgen line per measurement, prefixed by its scenario) into a Markdown table of
 * figures with Roomcast's ratio to each peer, and an SVG chart of the same figures. With a README path, rewrites the
 * part of it between the results markers.
 *
 * <pre>java bench/Report.java target/bench/results.txt target/bench/chart.svg bench/README.md|-</pre>
 */
public class Report {

    static final List<String> PEERS = List.of("roomcast", "socketio", "ws", "vertx");
    static final Map<String, String> NAMES = Map.of(
            "roomcast", "Roomcast", "socketio", "Socket.IO 4.8", "ws", "bare `ws` (Node)", "vertx", "bare Vert.x");
    static final String START = "<!-- bench results: written by bench/run -->";
    static final String END = "<!-- end of bench results -->";

    /** One row: its label, whether more is better, the unit, and how to read it from a peer's measurements. */
    record Metric(
            String label, boolean higherIsBetter, String unit, String scenario, Function<Measurements, Double> value) {}

    /** One peer's lines, by scenario. */
    record Measurements(Map<String, List<Map<String, String>>> byScenario) {
        /**
         * The median of a figure over the passes at the scenario's first rate (the pods scenario's seven passes at 50k
         * deliveries/s before its steps up), as the fan-out's figures are the median of its passes.
         */
        Double atFirstRate(String scenario, String key) {
            List<Map<String, String>> lines = byScenario.getOrDefault(scenario, List.of());
            if (lines.isEmpty()) {
                return null;
            }
            String first = lines.get(0).get("rate");
            double[] values = lines.stream()
                    .filter(line -> first.equals(line.get("rate")) && line.containsKey(key))
                    .mapToDouble(line -> parse(line.get(key)))
                    .sorted()
                    .toArray();
            return values.length == 0 ? null : values[values.length / 2];
        }

        /** The median of a figure over the scenario's passes (the fan-out runs seven). */
        Double number(String scenario, String key) {
            double[] values = byScenario.getOrDefault(scenario, List.of()).stream()
                    .filter(line -> line.containsKey(key))
                    .mapToDouble(line -> parse(line.get(key)))
                    .sorted()
                    .toArray();
            return values.length == 0 ? null : values[values.length / 2];
        }

        /** The highest offered rate the server kept up with; null when it kept up with none. */
        Double saturation(String scenario) {
            Double best = null;
            for (Map<String, String> line : byScenario.getOrDefault(scenario, List.of())) {
                if (line.containsKey("kept-up")) {
                    best = parse(line.get("offered"));
                }
            }
            return best;
        }

        /** The first rate the saturation scenario offered; null when it did not run. */
        Double lowestRate(String scenario) {
            List<Map<String, String>> lines = byScenario.getOrDefault(scenario, List.of());
            return lines.isEmpty() ? null : parse(lines.get(0).get("offered"));
        }

        /**
         * Whether the load generator, not the server, was the limit of the saturation scenario: the server kept up with
         * every step, or at the last one the generator's core was at least 90 % busy and busier than the server's (on
         * loopback a delivery costs the two about the same, so both cores fill together; the fuller one is the limit).
         */
        boolean generatorBound(String scenario) {
            List<Map<String, String>> lines = byScenario.getOrDefault(scenario, List.of());
            if (lines.isEmpty()) {
                return false;
            }
            Map<String, String> last = lines.get(lines.size() - 1);
            double generator = parse(last.get("loadgen-busy"));
            return last.containsKey("kept-up") || (generator >= 90 && generator > parse(last.get("server-busy")));
        }
    }

    static final List<Metric> METRICS = List.of(
            new Metric(
                    "saturation: deliveries/s with p99 < 50 ms, none lost",
                    true,
                    "/s",
                    "saturation",
                    m -> m.saturation("saturation")),
            new Metric(
                    "server CPU per delivery at 50k/s",
                    false,
                    " us",
                    "fanout",
                    m -> m.number("fanout", "server-cpu/delivery")),
            new Metric("p50 at 50k/s", false, " ms", "fanout", m -> m.number("fanout", "p50")),
            new Metric("p99 at 50k/s", false, " ms", "fanout", m -> m.number("fanout", "p99")),
            new Metric(
                    "resident memory per idle connection (5000)",
                    false,
                    " KiB",
                    "idle",
                    m -> m.number("idle", "rss/connection")),
            new Metric(
                    "time to open 5000 connections (JIT warmed up)",
                    false,
                    " s",
                    "idle",
                    m -> m.number("idle", "open")),
            new Metric(
                    "server CPU per connection opened (JIT warmed up)",
                    false,
                    " us",
                    "idle",
                    m -> m.number("idle", "server-cpu/open")),
            new Metric(
                    "time to open the first 5000 connections (JIT cold)",
                    false,
                    " s",
                    "idle",
                    m -> m.number("idle", "open-cold")),
            new Metric("two pods + Redis: saturation", true, "/s", "pods", m -> m.saturation("pods")),
            new Metric("two pods + Redis: p99 at 50k/s", false, " ms", "pods", m -> m.atFirstRate("pods", "p99")),
            new Metric(
                    "two pods + Redis: server CPU per delivery at 50k/s (both pods)",
                    false,
                    " us",
                    "pods",
                    m -> m.atFirstRate("pods", "server-cpu/delivery")),
            new Metric(
                    "200 rooms x 10 at 10k deliveries/s: server CPU (share of its core)",
                    false,
                    " %",
                    "rooms",
                    m -> m.number("rooms", "server-busy")));

    public static void main(String[] args) throws IOException {
        Map<String, Measurements> peers = read(Path.of(args[0]));
        String table = table(peers);
        Files.writeString(Path.of(args[1]), svg(peers));
        System.out.println(table);
        if (!"-".equals(args[2])) {
            Path readme = Path.of(args[2]);
            String text = Files.readString(readme);
            int start = text.indexOf(START);
            int end = text.indexOf(END);
            if (start < 0 || end < start) {
                throw new IllegalStateException(readme + " has no results markers");
            }
            String section = START + "\n\n" + "Recorded by `bench/run` on " + LocalDate.now() + ", " + machine()
                    + ". Each server on CPU 0, the load generator on CPU 1; one run (figures move by 10 to 20 % between"
                    + " runs, p99s by more: compare within a row).\n\n" + table
                    + "\n![Figures per peer](chart.svg)\n\n";
            Files.writeString(readme, text.substring(0, start) + section + text.substring(end));
        }
    }

    static Map<String, Measurements> read(Path results) throws IOException {
        Map<String, Map<String, List<Map<String, String>>>> byPeer = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results)) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 3) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            for (int i = 2; i < words.length; i++) {
                int equals = words[i].indexOf('=');
                fields.put(
                        equals < 0 ? words[i] : words[i].substring(0, equals),
                        equals < 0 ? "" : words[i].substring(equals + 1));
            }
            byPeer.computeIfAbsent(words[1], p -> new LinkedHashMap<>())
                    .computeIfAbsent(words[0], s -> new ArrayList<>())
                    .add(fields);
        }
        Map<String, Measurements> peers = new LinkedHashMap<>();
        byPeer.forEach((peer, scenarios) -> peers.put(peer, new Measurements(scenarios)));
        return peers;
    }

    static String table(Map<String, Measurements> peers) {
        List<String> present = PEERS.stream().filter(peers::containsKey).toList();
        StringBuilder out = new StringBuilder("| |");
        present.forEach(peer -> out.append(' ').append(NAMES.get(peer)).append(" |"));
        List<String> others =
                present.stream().filter(p -> !p.equals("roomcast")).toList();
        boolean hasRoomcast = present.contains("roomcast");
        if (hasRoomcast) {
            others.forEach(
                    peer -> out.append(" Roomcast / ").append(NAMES.get(peer)).append(" |"));
        }
        out.append("\n|---|");
        out.append("---|".repeat(present.size() + (hasRoomcast ? others.size() : 0)));
        out.append('\n');
        for (Metric metric : METRICS) {
            out.append("| ").append(metric.label()).append(" |");
            for (String peer : present) {
                out.append(' ').append(shown(metric, peers.get(peer))).append(" |");
            }
            if (hasRoomcast) {
                Double ours = metric.value().apply(peers.get("roomcast"));
                for (String peer : others) {
                    Double theirs = metric.value().apply(peers.get(peer));
                    out.append(' ')
                            .append(
                                    ours == null || theirs == null || theirs == 0
                                            ? "n/a"
                                            : String.format(Locale.ROOT, "%.2fx", ours / theirs))
                            .append(" |");
                }
            }
            out.append('\n');
        }
        out.append("\nSaturation figures marked ≥ are the load generator's limit, not the server's: the server kept up"
                + " with every step, or at the last step the generator's own core was at least 90 % busy and busier than"
                + " the server's.\n");
        List<String> stolen = present.stream()
                .filter(peer -> peers.get(peer).number("fanout", "stolen") != null)
                .map(peer -> NAMES.get(peer) + " " + format(peers.get(peer).number("fanout", "stolen")) + " %")
                .toList();
        if (!stolen.isEmpty()) {
            out.append("\nTime the hypervisor took from the servers' core during the fan-out passes (median pass): ")
                    .append(String.join(", ", stolen))
                    .append(".\n");
        }
        return out.toString();
    }

    /**
     * A figure as the table and the chart show it: a saturation the generator limited gets "≥", one below the first
     * step "< first rate".
     */
    static String shown(Metric metric, Measurements peer) {
        Double value = metric.value().apply(peer);
        if (value != null) {
            return (metric.higherIsBetter() && peer.generatorBound(metric.scenario()) ? "≥ " : "")
                    + format(value)
                    + metric.unit();
        }
        Double lowest = peer.lowestRate(metric.scenario());
        return metric.higherIsBetter() && lowest != null ? "< " + format(lowest) + metric.unit() : "n/a";
    }

    /** One small bar chart per metric, a bar per peer; Roomcast's bar in a colour of its own. */
    static String svg(Map<String, Measurements> peers) {
        List<String> present = PEERS.stream().filter(peers::containsKey).toList();
        int columns = 2;
        int panelWidth = 420;
        int panelHeight = 40 + 26 * present.size();
        int rows = (METRICS.size() + columns - 1) / columns;
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                        + " font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                columns * panelWidth,
                rows * panelHeight));
        for (int i = 0; i < METRICS.size(); i++) {
            Metric metric = METRICS.get(i);
            int x0 = (i % columns) * panelWidth + 10;
            int y0 = (i / columns) * panelHeight + 10;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s (%s is better)</text>\n",
                    x0,
                    y0 + 12,
                    escape(metric.label()),
                    metric.higherIsBetter() ? "more" : "less"));
            double max = present.stream()
                    .map(peer -> metric.value().apply(peers.get(peer)))
                    .filter(v -> v != null)
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(1);
            for (int p = 0; p < present.size(); p++) {
                String peer = present.get(p);
                Double value = metric.value().apply(peers.get(peer));
                int y = y0 + 24 + p * 26;
                int width = value == null || max == 0 ? 0 : (int) Math.round(240 * value / max);
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\""
                                + " fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                        x0,
                        y + 13,
                        escape(NAMES.get(peer).replace("`", "")),
                        x0 + 110,
                        y,
                        width,
                        peer.equals("roomcast") ? "#d9480f" : "#868e96",
                        x0 + 115 + width,
                        y + 13,
                        escape(shown(metric, peers.get(peer)))));
            }
        }
        return svg.append("</svg>\n").toString();
    }

    static String machine() {
        try {
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
            return Runtime.getRuntime().availableProcessors() + " CPUs (" + model + "), JDK "
                    + System.getProperty("java.version") + ", Node " + node();
        } catch (IOException e) {
            return "unknown machine";
        }
    }

    static String node() {
        try {
            Process process = new ProcessBuilder("node", "--version").start();
            return new String(process.getInputStream().readAllBytes()).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double parse(String value) {
        Matcher number = Pattern.compile("[0-9.]+").matcher(value);
        return number.find() ? Double.parseDouble(number.group()) : Double.NaN;
    }

    static String format(double value) {
        if (value >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", value / 1000);
        }
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
