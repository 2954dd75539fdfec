package dev.roomcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.roomcast.testing.Management;
import dev.roomcast.testing.Manifests;
import dev.roomcast.testing.ServicesResource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What the manifests ask of the running application holds: every probe and the scrape path answer on the management
 * interface, and every {@code roomcast.*} setting they give is a key the application has. (That they use the
 * management port is {@link ManifestTests}'.)
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class DeploymentFitsTheAppTests {

    @Test
    void everyProbeAndTheScrapePathAnswer() {
        for (String overlay : Manifests.OVERLAYS) {
            Deployment deployment = Manifests.of(overlay).gateway();
            Container gateway = ManifestTests.gatewayContainer(deployment);
            for (var probe :
                    List.of(gateway.getStartupProbe(), gateway.getReadinessProbe(), gateway.getLivenessProbe())) {
                String path = probe.getHttpGet().getPath();
                assertEquals(200, Management.given().get(path).statusCode(), overlay + ": " + path);
            }
            String scrape = deployment
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getAnnotations()
                    .get("prometheus.io/path");
            assertEquals(200, Management.given().get(scrape).statusCode(), overlay + ": " + scrape);
        }
    }

    @Test
    void everyRoomcastSettingOfTheManifestsIsAKeyOfTheApplication() throws IOException {
        for (String overlay : Manifests.OVERLAYS) {
            Map<String, String> settings = ManifestTests.configMap(Manifests.of(overlay));
            for (String name : settings.keySet()) {
                if (!name.startsWith("ROOMCAST_")) {
                    continue;
                }
                String key = ManifestTests.documentedKeys().stream()
                        .filter(documented ->
                                ManifestTests.environmentName(documented).equals(name))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(name + " is not documented"));
                // Every roomcast.* key has a default (or a derived value): a key the application does not have has
                // none.
                assertNotNull(ConfigProvider.getConfig().getConfigValue(key).getValue(), overlay + ": " + key);
            }
        }
    }
}
