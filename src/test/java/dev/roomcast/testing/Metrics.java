package dev.roomcast.testing;

import static io.restassured.RestAssured.given;

/** Reads one series from the application's {@code /q/metrics}. */
public final class Metrics {

    private Metrics() {
    }

    /** @param series name and labels exactly as Prometheus text shows them, e.g. {@code roomcast_closes_total{code="4008"}} */
    public static double value(String series) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " not in /q/metrics");
    }
}
