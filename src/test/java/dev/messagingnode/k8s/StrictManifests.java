package dev.messagingnode.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads rendered manifests as strictly as an API server with field validation would: every document must map to a
 * typed class of the fabric8 Kubernetes model (no generic fallback, so a misspelled kind or a removed apiVersion
 * fails), scalars are not coerced (a string where an integer belongs fails), and no object may keep a field the
 * model does not know (fabric8 keeps those in {@code additionalProperties}; here that is an error with its path).
 */
final class StrictManifests {

    /** The apiVersions this project may use: all served by current Kubernetes releases. */
    static final Set<String> API_VERSIONS = Set.of("v1", "apps/v1", "autoscaling/v2", "policy/v1");

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .build();

    private StrictManifests() {
    }

    /** {@code kubectl kustomize dir}: the rendered YAML. */
    static String render(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + dir + " failed:\n" + out);
        }
        return out;
    }

    /** Every document of a multi-document YAML, read strictly; the first problem fails with its path. */
    static List<HasMetadata> read(String yaml) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            Map<?, ?> raw = YAML.readValue(doc, Map.class);
            String id = raw.get("kind") + "/" + (raw.get("metadata") instanceof Map<?, ?> m ? m.get("name") : "?");
            if (!API_VERSIONS.contains(String.valueOf(raw.get("apiVersion")))) {
                throw new IllegalArgumentException(id + ": apiVersion " + raw.get("apiVersion") + " is not one of "
                    + API_VERSIONS);
            }
            KubernetesResource resource;
            try {
                resource = YAML.readValue(doc, KubernetesResource.class);
            } catch (IOException e) {
                throw new IllegalArgumentException(id + ": " + e.getMessage(), e);
            }
            if (!(resource instanceof HasMetadata typed) || resource instanceof GenericKubernetesResource) {
                throw new IllegalArgumentException(id + ": no typed model for " + raw.get("apiVersion") + " "
                    + raw.get("kind"));
            }
            rejectUnknown(resource, id, new IdentityHashMap<>());
            out.add(typed);
        }
        return out;
    }

    private static void rejectUnknown(Object node, String path, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object o : c) {
                rejectUnknown(o, path + "[" + i++ + "]", seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> rejectUnknown(v, path + "." + k, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    throw new IllegalArgumentException(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            rejectUnknown(value, path + "." + field, seen);
        }
    }
}
