package dev.roomcast.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes manifests as an operator applies them: each overlay rendered by {@code kubectl kustomize} into
 * {@code k8s/rendered/} ({@code scripts/k8s-render}), read with the fabric8 Kubernetes model.
 */
public final class Manifests {

    public static final List<String> OVERLAYS = List.of("dev", "prod", "prod-cluster");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = objects;
    }

    public static Path rendered(String overlay) {
        return LocalServices.projectDir().resolve("k8s/rendered/" + overlay + ".yaml");
    }

    public static Manifests of(String overlay) {
        try {
            return parse(Files.readString(rendered(overlay), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the rendered " + overlay + " overlay (scripts/k8s-render)", e);
        }
    }

    static Manifests parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
            }
        }
        return new Manifests(objects);
    }

    /** {@code kubectl kustomize} of the overlay now, or empty where kubectl is not installed. */
    public static Optional<String> renderNow(String overlay) {
        try {
            Process process = new ProcessBuilder(
                            "kubectl",
                            "kustomize",
                            LocalServices.projectDir()
                                    .resolve("k8s/overlays/" + overlay)
                                    .toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("kubectl kustomize " + overlay + " failed:\n" + output);
            }
            return Optional.of(output);
        } catch (IOException e) {
            return Optional.empty(); // no kubectl here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<HasMetadata> all() {
        return objects;
    }

    public <T extends HasMetadata> List<T> ofKind(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public <T extends HasMetadata> T one(Class<T> kind, String namePrefix) {
        List<T> found = ofKind(kind).stream()
                .filter(object -> object.getMetadata().getName().startsWith(namePrefix))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(
                    "expected one " + kind.getSimpleName() + " named " + namePrefix + "*, found " + found.size());
        }
        return found.get(0);
    }

    public Deployment gateway() {
        return one(Deployment.class, "roomcast");
    }
}
