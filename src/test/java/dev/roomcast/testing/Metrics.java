package dev.roomcast.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Reads the Prometheus text of {@code /q/metrics} on a management interface, the one way every test scrapes. */
public final class Metrics {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Metrics() {}

    /** The metrics of the application under test. */
    public static String text() {
        return text(Management.uri());
    }

    /** The metrics of the application whose management interface is at {@code management}. */
    public static String text(URI management) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(management.resolve("/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("/q/metrics answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The one sample of a series of the application under test.
     *
     * @param series a name, or a name with some of its labels, e.g. {@code roomcast_closes_total{code="4008"}}
     */
    public static double value(String series) {
        return value(Management.uri(), series);
    }

    public static double value(URI management, String series) {
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : series;
        List<Double> values = samples(text(management), prefix);
        if (values.size() != 1) {
            throw new AssertionError(series + " has " + values.size() + " samples in /q/metrics, not one");
        }
        return values.get(0);
    }

    /**
     * The values of every sample in {@code text} whose series begins with {@code prefix}: a bare name matches the
     * metric with any labels; {@code name{a="b"} } (unclosed) matches that label with any others after it. Values
     * are read as numbers, however the registry prints them ({@code 0}, {@code 0.0}, {@code 1.0E-4}).
     */
    public static List<Double> samples(String text, String prefix) {
        List<Double> values = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(prefix) || line.length() == prefix.length()) {
                continue;
            }
            char next = line.charAt(prefix.length());
            boolean matches = prefix.contains("{") ? next == ',' || next == '}' : next == '{' || next == ' ';
            if (matches) {
                int labelsEnd = line.indexOf('}');
                String rest = labelsEnd < 0 ? line.substring(line.indexOf(' ')) : line.substring(labelsEnd + 1);
                values.add(Double.parseDouble(rest.trim().split(" ")[0]));
            }
        }
        return values;
    }
}
