package dev.roomcast.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: the README's short configuration table says what docs/operations.md says, key by
 * key and default by default, and no relative link in the README or docs/ points at a file that is not there.
 */
class DocumentationTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(roomcast\\.[^`]+)`[^|]*\\| ([^|]*) \\|");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#:]+)(#[^)]*)?\\)");

    @Test
    void theReadmeListsEveryRoomcastKeyWithTheDefaultOperationsDocuments() throws IOException {
        Map<String, String> readme = roomcastKeys(section(read("README.md"), "## Configuration"));
        Map<String, String> operations = roomcastKeys(section(read("docs/operations.md"), "## Configuration"));
        assertFalse(operations.isEmpty(), "docs/operations.md has a configuration table");
        assertEquals(operations, readme);
    }

    @Test
    void relativeLinksPointAtFilesThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> documents;
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            documents = new ArrayList<>(
                    docs.filter(path -> path.toString().endsWith(".md")).toList());
        }
        documents.add(PROJECT.resolve("README.md"));
        documents.add(PROJECT.resolve("bench/README.md"));
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                Path target = document.getParent().resolve(link.group(1)).normalize();
                if (!Files.exists(target) || !target.startsWith(PROJECT)) {
                    broken.add(PROJECT.relativize(document) + " -> " + link.group(1));
                }
            }
        }
        assertTrue(documents.size() >= 5, "README, bench/README and the three docs");
        assertEquals(List.of(), broken);
    }

    private static Map<String, String> roomcastKeys(String table) {
        Map<String, String> keys = new LinkedHashMap<>();
        Matcher row = ROW.matcher(table);
        while (row.find()) {
            keys.put(row.group(1), row.group(2).trim());
        }
        return keys;
    }

    private static String section(String document, String heading) {
        int start = document.indexOf(heading);
        assertTrue(start >= 0, heading);
        int end = document.indexOf("\n## ", start + heading.length());
        return end < 0 ? document.substring(start) : document.substring(start, end);
    }

    private static String read(String path) throws IOException {
        return Files.readString(PROJECT.resolve(path));
    }
}
