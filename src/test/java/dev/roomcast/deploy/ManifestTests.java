package dev.roomcast.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkus.runtime.configuration.DurationConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The Kubernetes manifests, as rendered from each overlay, are well-formed and agree with the application: the probe
 * port, the drain and the grace period, the image names of the build, documented settings only, resources set,
 * selectors that select, secrets kept out of the production overlay. (That the probe paths answer is
 * {@link DeploymentFitsTheAppTests}'.)
 */
class ManifestTests {

    static final List<String> OVERLAYS = Manifests.OVERLAYS;
    private static final Path PROJECT = LocalServices.projectDir();
    /** Margin for Quarkus's own stop after the drain window. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theRenderedFilesAreWhatTheOverlaysRenderNow(String overlay) throws IOException {
        Optional<String> now = Manifests.renderNow(overlay);
        assumeTrue(now.isPresent(), "kubectl is not installed here: the committed rendering is checked as it is");
        assertEquals(
                now.get(),
                Files.readString(Manifests.rendered(overlay)),
                "k8s/rendered/" + overlay + ".yaml is stale: run scripts/k8s-render");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectIsNamedAndTheSetIsComplete(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        for (HasMetadata object : manifests.all()) {
            assertNotNull(object.getApiVersion(), object.toString());
            assertNotNull(object.getMetadata().getName(), object.toString());
        }
        manifests.gateway();
        manifests.one(Service.class, "roomcast");
        manifests.one(PodDisruptionBudget.class, "roomcast");
        manifests.one(HorizontalPodAutoscaler.class, "roomcast");
        manifests.one(NetworkPolicy.class, "roomcast");
        manifests.one(Ingress.class, "roomcast-api");
        manifests.one(Ingress.class, "roomcast-streams");
        manifests.one(ConfigMap.class, "roomcast-config");
        if (overlay.equals("dev")) {
            manifests.one(StatefulSet.class, "postgres");
            manifests.one(StatefulSet.class, "redis");
            assertEquals(4, manifests.ofKind(Secret.class).size(), "dev generates its own secrets");
        } else {
            assertTrue(
                    manifests.ofKind(Secret.class).isEmpty(), "production secrets are created out of band, never here");
            assertFalse(
                    "roomcast-dev".equals(configMap(manifests).get("MP_JWT_VERIFY_ISSUER")),
                    "the dev issuer stays in dev");
            assertTrue(manifests.ofKind(StatefulSet.class).isEmpty(), "production uses managed PostgreSQL and Redis");
            assertNotNull(
                    configMap(manifests).get("MP_JWT_VERIFY_AUDIENCES"), "production checks the token's audience");
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void probesAndScrapesUseTheManagementPort(String overlay) throws IOException {
        Deployment deployment = Manifests.of(overlay).gateway();
        Container gateway = gatewayContainer(deployment);
        assertEquals(applicationPort("quarkus.http.port"), containerPort(gateway, "http"));
        int management = applicationPort("quarkus.management.port");
        assertEquals(management, containerPort(gateway, "management"));
        for (var probe : List.of(gateway.getStartupProbe(), gateway.getReadinessProbe(), gateway.getLivenessProbe())) {
            assertNotNull(probe, "startup, readiness and liveness probes");
            assertEquals("management", probe.getHttpGet().getPort().getStrVal());
        }
        assertEquals("/q/health/ready", gateway.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", gateway.getLivenessProbe().getHttpGet().getPath());
        Map<String, String> annotations =
                deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
        assertEquals(String.valueOf(management), annotations.get("prometheus.io/port"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void onlyThePublicApiLeavesTheClusterAndTokensInQueriesAreNotLogged(String overlay) {
        Set<String> paths = new HashSet<>();
        for (Ingress ingress : Manifests.of(overlay).ofKind(Ingress.class)) {
            Map<String, String> annotations = ingress.getMetadata().getAnnotations();
            for (var rule : ingress.getSpec().getRules()) {
                for (var path : rule.getHttp().getPaths()) {
                    paths.add(path.getPath());
                    assertEquals(
                            "http", path.getBackend().getService().getPort().getName(), path.getPath());
                    if (path.getPath().equals("/ws") || path.getPath().equals("/sse")) {
                        // Browsers pass ?access_token= on the streams; an SSE frame must not wait in a proxy buffer.
                        assertEquals(
                                "false",
                                annotations.get("nginx.ingress.kubernetes.io/enable-access-log"),
                                path.getPath());
                        assertEquals(
                                "off", annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"), path.getPath());
                        assertTrue(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))
                                >= 3600);
                    }
                }
            }
        }
        assertEquals(Set.of("/ws", "/sse", "/api", "/q/openapi"), paths);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void podsHoldNoServiceAccountTokenAndReachOnlyTheirPeers(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertEquals(
                Boolean.FALSE,
                manifests.gateway().getSpec().getTemplate().getSpec().getAutomountServiceAccountToken());
        NetworkPolicy policy = manifests.one(NetworkPolicy.class, "roomcast");
        for (var rule : policy.getSpec().getEgress()) {
            assertFalse(rule.getTo() == null || rule.getTo().isEmpty(), "an egress rule open to any address: " + rule);
            rule.getTo().stream()
                    .filter(peer -> peer.getIpBlock() != null)
                    .forEach(peer -> assertFalse(peer.getIpBlock().getCidr().endsWith("/0"), "egress to everywhere"));
        }
        for (var rule : policy.getSpec().getIngress()) {
            assertFalse(rule.getFrom() == null || rule.getFrom().isEmpty(), "an ingress rule open to anyone: " + rule);
        }
        EnvVar secret = gatewayContainer(manifests.gateway()).getEnv().stream()
                .filter(env -> env.getName().equals("ROOMCAST_CLUSTER_SECRET"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                secret.getValueFrom().getSecretKeyRef().getName().startsWith("roomcast-cluster"),
                "the cluster secret is a Secret");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void selectorsSelectTheGatewayAndTheServiceChainHolds(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Deployment deployment = manifests.gateway();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertSelects(deployment.getSpec().getSelector().getMatchLabels(), podLabels, "Deployment");
        Service service = manifests.one(Service.class, "roomcast");
        assertSelects(service.getSpec().getSelector(), podLabels, "Service");
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertSelects(
                manifests
                        .one(PodDisruptionBudget.class, "roomcast")
                        .getSpec()
                        .getSelector()
                        .getMatchLabels(),
                podLabels,
                "PDB");
        assertSelects(
                manifests
                        .one(NetworkPolicy.class, "roomcast")
                        .getSpec()
                        .getPodSelector()
                        .getMatchLabels(),
                podLabels,
                "NetworkPolicy");
        deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTopologySpreadConstraints()
                .forEach(spread ->
                        assertSelects(spread.getLabelSelector().getMatchLabels(), podLabels, "topology spread"));
        HorizontalPodAutoscaler hpa = manifests.one(HorizontalPodAutoscaler.class, "roomcast");
        assertEquals(
                deployment.getMetadata().getName(),
                hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
        assertTrue(
                manifests
                                .one(PodDisruptionBudget.class, "roomcast")
                                .getSpec()
                                .getMaxUnavailable()
                                .getIntVal()
                        < hpa.getSpec().getMinReplicas(),
                "a disruption never takes every pod");
        for (Ingress ingress : manifests.ofKind(Ingress.class)) {
            for (var path : ingress.getSpec().getRules().get(0).getHttp().getPaths()) {
                assertEquals(
                        service.getMetadata().getName(),
                        path.getBackend().getService().getName(),
                        path.getPath());
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theGracePeriodHoldsThePreStopAndTheDrain(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Deployment deployment = manifests.gateway();
        long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        int preStop = gatewayContainer(deployment)
                .getLifecycle()
                .getPreStop()
                .getSleep()
                .getSeconds()
                .intValue();
        Duration drain = DurationConverter.parseDuration(configMap(manifests).get("ROOMCAST_SHUTDOWN_DRAIN"));
        // The app keeps running through the drain plus half a second (quarkus.shutdown.delay), then stops.
        Duration needed =
                Duration.ofSeconds(preStop).plus(drain).plusMillis(500).plus(STOP_MARGIN);
        assertTrue(
                Duration.ofSeconds(grace).compareTo(needed) >= 0,
                "terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " s + drain " + drain + " + stop");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerHasItsResourcesSet(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        List<PodTemplateSpec> templates = new ArrayList<>();
        manifests
                .ofKind(Deployment.class)
                .forEach(deployment -> templates.add(deployment.getSpec().getTemplate()));
        manifests
                .ofKind(StatefulSet.class)
                .forEach(set -> templates.add(set.getSpec().getTemplate()));
        for (PodTemplateSpec template : templates) {
            for (Container container : template.getSpec().getContainers()) {
                var resources = container.getResources();
                assertNotNull(resources.getRequests().get("cpu"), container.getName() + " cpu request");
                assertNotNull(resources.getRequests().get("memory"), container.getName() + " memory request");
                assertNotNull(resources.getLimits().get("memory"), container.getName() + " memory limit");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theImageIsTheOneTheBuildMakes(String overlay) throws IOException {
        String version = projectVersion().replace("-SNAPSHOT", "");
        // dev runs the JVM image (built on a laptop without GraalVM), production the native one.
        String expected = "roomcast/roomcast:" + version + (overlay.equals("dev") ? "-jvm" : "");
        assertEquals(expected, gatewayContainer(Manifests.of(overlay).gateway()).getImage());
        String dockerfile = overlay.equals("dev") ? "Dockerfile.jvm" : "Dockerfile.native-micro";
        assertTrue(
                Files.readString(PROJECT.resolve("src/main/docker/" + dockerfile))
                        .contains("-t " + expected + " "),
                dockerfile + " documents building " + expected);
    }

    @Test
    void theJvmImageRunsTheCollectorTheGuideNamesAndTheBenchmarkMeasures() throws IOException {
        Matcher collector = Pattern.compile("(?m)^ENV GC_CONTAINER_OPTIONS=\"([^\"]+)\"$")
                .matcher(Files.readString(PROJECT.resolve("src/main/docker/Dockerfile.jvm")));
        assertTrue(collector.find(), "Dockerfile.jvm names its collector");
        String options = collector.group(1);
        assertTrue(
                Files.readString(PROJECT.resolve("docs/operations.md"))
                        .contains("`GC_CONTAINER_OPTIONS=" + options + "`"),
                "docs/operations.md names " + options);
        // bench/run's JVMs run the image's collector with the base image's heap options in the throughput scenarios.
        assertTrue(
                Files.readString(PROJECT.resolve("bench/run"))
                        .contains("*) echo \"$core " + options + " $image_heap_options"),
                "bench/run measures " + options);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyEnvironmentSettingIsADocumentedKey(String overlay) throws IOException {
        Manifests manifests = Manifests.of(overlay);
        Set<String> names = new HashSet<>(configMap(manifests).keySet());
        gatewayContainer(manifests.gateway()).getEnv().stream()
                .map(EnvVar::getName)
                .forEach(names::add);
        Set<String> documented =
                documentedKeys().stream().map(ManifestTests::environmentName).collect(Collectors.toSet());
        for (String name : names) {
            assertTrue(
                    documented.contains(name),
                    name + " is not the environment form of a key in docs/operations.md's configuration");
        }
        assertFalse(names.isEmpty());
    }

    @Test
    void theDevScriptListensOnLoopbackOnly() throws IOException {
        // The dev profile trusts a key whose private half is in this repository: nothing outside the machine may reach
        // it.
        String script = Files.readString(PROJECT.resolve("scripts/dev"));
        String listen = script.substring(script.indexOf("listen=("), script.indexOf(")", script.indexOf("listen=(")));
        assertTrue(listen.contains("-Dquarkus.http.host=127.0.0.1"), listen);
        assertTrue(listen.contains("-Dquarkus.management.host=127.0.0.1"), listen);
        assertTrue(
                script.contains("exec ./mvnw quarkus:dev \"${listen[@]}\"")
                        && script.contains("-Dquarkus.profile=dev \"${listen[@]}\""),
                "both ways of running use those addresses");
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    static Container gatewayContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(container -> container.getName().equals("roomcast"))
                .findFirst()
                .orElseThrow();
    }

    static Map<String, String> configMap(Manifests manifests) {
        return manifests.one(ConfigMap.class, "roomcast-config").getData();
    }

    /** Every key in the configuration tables of docs/operations.md ({@code roomcast.*}, Quarkus and MicroProfile keys). */
    static Set<String> documentedKeys() throws IOException {
        String operations = Files.readString(PROJECT.resolve("docs/operations.md"));
        String configuration = operations.substring(
                operations.indexOf("## Configuration"),
                operations.indexOf("\n## ", operations.indexOf("## Configuration") + 5));
        Set<String> keys = new HashSet<>();
        Matcher key =
                Pattern.compile("`((?:roomcast|quarkus|mp)\\.[a-z0-9.-]+)`").matcher(configuration);
        while (key.find()) {
            keys.add(key.group(1));
        }
        return keys;
    }

    /** The environment variable that sets a property (MicroProfile Config's rule). */
    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static int applicationPort(String key) throws IOException {
        Matcher port = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(\\d+)$")
                .matcher(Files.readString(PROJECT.resolve("src/main/resources/application.properties")));
        assertTrue(port.find(), key + " in application.properties");
        return Integer.parseInt(port.group(1));
    }

    private static int containerPort(Container container, String name) {
        ContainerPort port = container.getPorts().stream()
                .filter(candidate -> name.equals(candidate.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
        return port.getContainerPort();
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>roomcast</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(version.find(), "the project version in pom.xml");
        return version.group(1);
    }

    private static void assertSelects(Map<String, String> selector, Map<String, String> labels, String what) {
        assertFalse(selector == null || selector.isEmpty(), what + " has a selector");
        selector.forEach(
                (label, value) -> assertEquals(value, labels.get(label), what + " selects " + label + "=" + value));
    }
}
