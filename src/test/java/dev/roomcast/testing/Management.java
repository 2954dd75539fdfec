package dev.roomcast.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.net.URI;

/**
 * The management interface ({@code quarkus.management.port}: health and metrics) of the application under test, a
 * {@code @QuarkusTest} or {@code @QuarkusIntegrationTest}; a {@link Pod}'s is {@link Pod#management()}.
 */
public final class Management {

    private Management() {}

    /** The management server's root (the test framework's URL ends with the root path of its endpoints, {@code /q}). */
    public static URI uri() {
        return URI.create(TestHTTPResourceManager.getManagementUri()).resolve("/");
    }

    /** A request to the management interface. */
    public static RequestSpecification given() {
        return RestAssured.given().baseUri(uri().toString());
    }

    public static int readinessStatus() {
        return given().get("/q/health/ready").statusCode();
    }
}
