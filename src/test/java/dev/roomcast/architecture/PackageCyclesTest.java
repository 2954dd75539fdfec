package dev.roomcast.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.LocalServices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the compiled application has no cycle: each package may depend on packages below it only
 * (protocol types and helpers at the bottom, the transports and the HTTP resources at the top). The graph is read with
 * the JDK's {@code jdeps} from {@code target/classes}, the same way {@code scripts/package-graph} prints it.
 */
class PackageCyclesTest {

    private static final Pattern EDGE =
            Pattern.compile("^\\s+(dev\\.roomcast[\\w.]*)\\s+->\\s+(dev\\.roomcast[\\w.]*)\\s", Pattern.MULTILINE);

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, Set<String>> graph = packageGraph();
        assertTrue(graph.size() > 10, "the graph was read: " + graph.keySet());
        List<List<String>> cycles = stronglyConnected(graph).stream()
                .filter(component -> component.size() > 1)
                .toList();
        assertTrue(cycles.isEmpty(), "package cycles: " + cycles + "\nthe graph: " + graph);
    }

    /** Edges between this application's packages, from {@code jdeps -verbose:package}. */
    static Map<String, Set<String>> packageGraph() {
        Path classes = LocalServices.projectDir().resolve("target/classes");
        assertTrue(Files.isDirectory(classes), classes + " is missing: compile first");
        ToolProvider jdeps =
                ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        int status = jdeps.run(
                new PrintWriter(out),
                new PrintWriter(out),
                "-verbose:package",
                "-filter:none",
                "--ignore-missing-deps",
                classes.toString());
        assertTrue(status == 0, "jdeps failed: " + out);
        Map<String, Set<String>> graph = new TreeMap<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            graph.computeIfAbsent(edge.group(1), ignored -> new TreeSet<>());
            if (!edge.group(1).equals(edge.group(2))) {
                graph.get(edge.group(1)).add(edge.group(2));
            }
        }
        return graph;
    }

    /** Tarjan's strongly connected components. */
    static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> components = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                visit(node, graph, index, low, stack, onStack, components);
            }
        }
        return components;
    }

    private static void visit(
            String node,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<List<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                visit(next, graph, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }
}
