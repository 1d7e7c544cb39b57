package dev.messagingnode.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.bridge.BridgeConfig;
import dev.messagingnode.config.ClusterConfig;
import dev.messagingnode.config.ConfiguredExchanges;
import dev.messagingnode.config.MessagingConfig;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeOptions;
import dev.messagingnode.http.HttpApiConfig;
import dev.messagingnode.node.StandardPatterns;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every kustomization under {@code k8s/} renders ({@code kubectl kustomize}), reads strictly with the fabric8 model
 * ({@link StrictManifests}), passes the npm {@code kubernetes-models} schema validator, and keeps the project's
 * rules: probes on the health endpoints and on a declared port, selectors that match the pods, a headless Service
 * for discovery, a grace period that covers the node's shutdown, a locked-down security context, and environment
 * variables that the node's configuration actually reads (exchange definitions included, validated as the node would).
 */
class ManifestsTest {

    private static final Path K8S = Path.of("k8s");

    static List<Path> kustomizations() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                .filter(p -> !p.toString().contains("node_modules"))
                .forEach(p -> dirs.add(p.getParent()));
        }
        return dirs;
    }

    /** The deployable ones: the base and each overlay (a group alone is only a building block). */
    static List<Path> deployables() throws IOException {
        List<Path> out = new ArrayList<>(List.of(K8S.resolve("base")));
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            overlays.filter(Files::isDirectory).forEach(out::add);
        }
        return out;
    }

    @Test
    void everyKustomizationRendersAndReadsStrictly() throws Exception {
        assertThat(kustomizations()).hasSizeGreaterThanOrEqualTo(5);
        for (Path dir : kustomizations()) {
            List<HasMetadata> resources = StrictManifests.read(StrictManifests.render(dir));
            assertThat(resources).as(dir.toString()).isNotEmpty();
        }
    }

    @Test
    void theStrictReaderRejectsMisspelledFieldsWrongTypesAndRemovedApis() throws Exception {
        String rendered = StrictManifests.render(K8S.resolve("overlays/example"));
        assertThat(StrictManifests.read(rendered)).isNotEmpty();
        assertThatThrownBy(() -> StrictManifests.read(rendered.replaceFirst("replicas: 3", "replica: 3")))
            .hasMessageContaining("unknown field(s) [replica]");
        assertThatThrownBy(() -> StrictManifests.read(rendered.replaceFirst("readOnlyRootFilesystem: true",
            "readOnlyRootFileSystem: true"))).hasMessageContaining("readOnlyRootFileSystem");
        assertThatThrownBy(() -> StrictManifests.read(rendered.replaceFirst("replicas: 3", "replicas: three")))
            .hasMessageContaining("Deployment/messaging-node-rpc");
        assertThatThrownBy(() -> StrictManifests.read(rendered.replaceFirst("apiVersion: policy/v1",
            "apiVersion: policy/v1beta1"))).hasMessageContaining("policy/v1beta1");
        assertThatThrownBy(() -> StrictManifests.read(rendered.replaceFirst("kind: ServiceAccount",
            "kind: ServiceAcount"))).hasMessageContaining("ServiceAcount");
    }

    @Test
    void theManifestsKeepTheProjectRules() throws Exception {
        for (Path dir : deployables()) {
            List<HasMetadata> all = StrictManifests.read(StrictManifests.render(dir));
            List<Deployment> deployments = only(all, Deployment.class);
            List<StatefulSet> durable = only(all, StatefulSet.class);
            // Every group's pods, by the group's name: Deployments and the durable StatefulSet alike.
            Map<String, PodTemplateSpec> groups = new HashMap<>();
            deployments.forEach(d -> groups.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
            durable.forEach(d -> groups.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
            List<Service> services = only(all, Service.class);
            Map<String, String> shared = new HashMap<>();
            only(all, ConfigMap.class).forEach(c -> shared.putAll(c.getData()));

            Service headless = services.stream().filter(s -> s.getMetadata().getName().equals("messaging-cluster"))
                .findFirst().orElseThrow(() -> new AssertionError(dir + ": no messaging-cluster Service"));
            assertThat(headless.getSpec().getClusterIP()).as("headless").isEqualTo("None");
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
            if (!dir.endsWith("base")) {
                assertThat(groups).as(dir + ": exchange groups").hasSizeGreaterThanOrEqualTo(2);
                assertThat(durable).as(dir + ": one durable group (the replica set)").hasSize(1);
            }
            for (Deployment d : deployments) {
                checkPods(dir + ": Deployment " + d.getMetadata().getName(), d.getSpec().getSelector()
                    .getMatchLabels(), d.getSpec().getTemplate(), shared);
            }
            for (StatefulSet d : durable) {
                checkPods(dir + ": StatefulSet " + d.getMetadata().getName(), d.getSpec().getSelector()
                    .getMatchLabels(), d.getSpec().getTemplate(), shared);
                checkDurableGroup(dir, d, shared, services);
                assertThat(only(all, PodDisruptionBudget.class)).as(dir + ": a PDB of one for " + d.getMetadata()
                    .getName()).anyMatch(pdb -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                    .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())
                    && pdb.getSpec().getMaxUnavailable() != null && pdb.getSpec().getMaxUnavailable().getIntVal() == 1);
            }
            for (Service s : services) {
                assertThat(groups.isEmpty() || groups.values().stream().anyMatch(t -> t.getMetadata().getLabels()
                    .entrySet().containsAll(s.getSpec().getSelector().entrySet())))
                    .as(dir + ": Service " + s.getMetadata().getName() + " selects some pods").isTrue();
            }
            for (HorizontalPodAutoscaler h : only(all, HorizontalPodAutoscaler.class)) {
                assertThat(deployments).as(dir + ": HPA target").anyMatch(d -> d.getMetadata().getName()
                    .equals(h.getSpec().getScaleTargetRef().getName()));
            }
            for (PodDisruptionBudget pdb : only(all, PodDisruptionBudget.class)) {
                assertThat(groups.values()).as(dir + ": PDB " + pdb.getMetadata().getName() + " selects one group")
                    .filteredOn(t -> t.getMetadata().getLabels().entrySet()
                        .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())).hasSize(1);
            }
            Set<String> known = knownEnvironment();
            for (String key : shared.keySet()) {
                assertThat(known).as(dir + ": ConfigMap key " + key + " is read by the node").contains(key);
            }
        }
    }

    /**
     * The autoscaled overlay scales the rpc group on the requests its pods hold in flight: a Pods metric whose name is
     * a series the node really exports (the gauge's Prometheus name), instead of CPU, within sane bounds.
     */
    @Test
    void theAutoscaledOverlayScalesTheRpcGroupOnASeriesTheNodeExports() throws Exception {
        List<HasMetadata> all = StrictManifests.read(StrictManifests.render(K8S.resolve("overlays/autoscaled")));
        HorizontalPodAutoscaler hpa = only(all, HorizontalPodAutoscaler.class).stream()
            .filter(h -> h.getMetadata().getName().equals("messaging-node-rpc")).findFirst().orElseThrow();
        assertThat(hpa.getSpec().getMetrics()).hasSize(1);
        var metric = hpa.getSpec().getMetrics().get(0);
        assertThat(metric.getType()).isEqualTo("Pods");
        String series = metric.getPods().getMetric().getName();
        assertThat(metric.getPods().getTarget().getType()).isEqualTo("AverageValue");
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
        // messaging.requests.in-flight (Micrometer) is messaging_requests_in_flight on /q/metrics.
        Set<String> exported = new java.util.TreeSet<>();
        java.util.regex.Pattern gauge = java.util.regex.Pattern.compile("gauge\\(\"(messaging\\.[a-z.\\-]+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                java.util.regex.Matcher m = gauge.matcher(Files.readString(f));
                while (m.find()) {
                    exported.add(m.group(1).replace('.', '_').replace('-', '_'));
                }
            }
        }
        assertThat(exported).as("gauges the node exports").contains(series);
        // The README carries the prometheus-adapter rule that serves it.
        assertThat(Files.readString(Path.of("README.md"))).contains("seriesQuery: '" + series);
    }

    /**
     * The durable group: a StatefulSet whose pod names are the replica set the ConfigMap names, started in parallel
     * (a majority must be able to form), a volume per pod where the node keeps its log, a PDB of one, and a
     * governing Service that exists and is headless.
     */
    private void checkDurableGroup(Path dir, StatefulSet s, Map<String, String> shared, List<Service> services) {
        String id = dir + ": StatefulSet " + s.getMetadata().getName();
        assertThat(s.getSpec().getPodManagementPolicy()).as(id).isEqualTo("Parallel");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < s.getSpec().getReplicas(); i++) {
            names.add(s.getMetadata().getName() + "-" + i);
        }
        assertThat(shared.get("MESSAGING_DURABLE_MEMBERS")).as(id + " pod names are the replica set")
            .isEqualTo(String.join(",", names));
        assertThat(s.getSpec().getReplicas() % 2).as(id + " an odd number of replicas").isEqualTo(1);
        assertThat(s.getSpec().getVolumeClaimTemplates()).as(id + " a volume per pod").hasSize(1);
        String claim = s.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        Container node = s.getSpec().getTemplate().getSpec().getContainers().get(0);
        String dataDir = node.getEnv().stream().filter(e -> e.getName().equals("MESSAGING_DURABLE_DATA_DIR"))
            .map(EnvVar::getValue).findFirst().orElse(shared.get("MESSAGING_DURABLE_DATA_DIR"));
        assertThat(node.getVolumeMounts()).as(id + " the log lives on the claimed volume")
            .anyMatch(m -> m.getName().equals(claim) && m.getMountPath().equals(dataDir));
        assertThat(services).as(id + " governing Service").anyMatch(svc -> svc.getMetadata().getName()
            .equals(s.getSpec().getServiceName()) && "None".equals(svc.getSpec().getClusterIP()));
    }

    private void checkPods(String id, Map<String, String> selector, PodTemplateSpec template,
                           Map<String, String> shared) throws IOException {
        Map<String, String> podLabels = template.getMetadata().getLabels();
        assertThat(podLabels.entrySet()).as(id + " selector matches its pods").containsAll(selector.entrySet());
        template.getSpec().getTopologySpreadConstraints().forEach(t -> assertThat(podLabels.entrySet())
            .as(id + " topology spread selects its own pods")
            .containsAll(t.getLabelSelector().getMatchLabels().entrySet()));
        var pod = template.getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(id + " runAsNonRoot").isTrue();
        Container node = pod.getContainers().get(0);
        assertThat(node.getSecurityContext().getReadOnlyRootFilesystem()).as(id).isTrue();
        assertThat(node.getSecurityContext().getAllowPrivilegeEscalation()).as(id).isFalse();
        assertThat(node.getResources().getRequests()).as(id + " requests").containsKeys("cpu", "memory");
        assertThat(node.getResources().getLimits()).as(id + " limits").containsKey("memory");

        Properties app = applicationProperties();
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort p : node.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        assertThat(ports.get("http")).as(id + " http port = quarkus.http.port")
            .isEqualTo(Integer.parseInt(app.getProperty("quarkus.http.port")));
        assertThat(ports.get("bridge")).as(id + " bridge port = messaging.bridge.tcp.port default").isEqualTo(7000);
        assertThat(ports.get("jgroups")).as(id + " jgroups port = MESSAGING_CLUSTER_BIND_PORT")
            .isEqualTo(Integer.parseInt(shared.get("MESSAGING_CLUSTER_BIND_PORT")));
        assertThat(ports.get("jgroups-fd")).as(id + " FD_SOCK2 listens 100 above the bind port")
            .isEqualTo(ports.get("jgroups") + 100);
        probe(id, node.getStartupProbe(), "/q/health/started", ports);
        probe(id, node.getReadinessProbe(), "/q/health/ready", ports);
        probe(id, node.getLivenessProbe(), "/q/health/live", ports);

        Duration delay = ExchangeOptions.parseDuration(shared.getOrDefault("QUARKUS_SHUTDOWN_DELAY",
            app.getProperty("quarkus.shutdown.delay")));
        Duration timeout = ExchangeOptions.parseDuration(shared.getOrDefault("QUARKUS_SHUTDOWN_TIMEOUT",
            app.getProperty("quarkus.shutdown.timeout")));
        assertThat(pod.getTerminationGracePeriodSeconds()).as(id + " grace covers shutdown delay + timeout")
            .isGreaterThan(delay.plus(timeout).toSeconds());

        Map<String, String> env = new HashMap<>(shared);
        Set<String> known = knownEnvironment();
        for (EnvVar e : node.getEnv()) {
            if (!e.getName().startsWith("MESSAGING_EXCHANGES_")) {
                assertThat(known).as(id + " env " + e.getName() + " is read by the node").contains(e.getName());
            }
            env.put(e.getName(), e.getValue() == null ? "from-field" : e.getValue());
        }
        // The group's exchanges, read and validated exactly as the node reads them at start.
        List<ExchangeDefinition> exchanges = ConfiguredExchanges.read(new SmallRyeConfigBuilder().build(), env);
        assertThat(exchanges).as(id + " hosts exchanges").isNotEmpty();
        var patterns = StandardPatterns.all();
        for (ExchangeDefinition x : exchanges) {
            patterns.get(x.pattern()).validate(x);
        }
    }

    private static void probe(String id, Probe probe, String path, Map<String, Integer> ports) {
        assertThat(probe).as(id + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(id).isEqualTo(path);
        String port = probe.getHttpGet().getPort().getStrVal();
        assertThat(ports).as(id + " probe port " + port + " is declared").containsKey(port);
    }

    /** Environment variables the node reads: every key of its config mappings, plus the Quarkus and JVM ones used. */
    static Set<String> knownEnvironment() {
        Set<String> names = new HashSet<>(Set.of("QUARKUS_SHUTDOWN_DELAY", "QUARKUS_SHUTDOWN_TIMEOUT",
            "QUARKUS_HTTP_PORT", "JAVA_TOOL_OPTIONS"));
        for (Class<?> mapping : List.of(ClusterConfig.class, HttpApiConfig.class, BridgeConfig.class,
            MessagingConfig.class, dev.messagingnode.config.DurableConfig.class)) {
            collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, names);
        }
        return names;
    }

    private static void collect(String prefix, Class<?> type, Set<String> names) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.isDefault() || m.getParameterCount() != 0 || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key = prefix + "." + m.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == type) {
                collect(key, m.getReturnType(), names);
            } else {
                names.add(key.replace('.', '_').replace('-', '_').toUpperCase());
            }
        }
    }

    private static Properties applicationProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    private static <T> List<T> only(List<HasMetadata> all, Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }

    // ---- the second check: the npm kubernetes-models validator ----------------------------------------------

    @Test
    void theKubernetesModelsValidatorAcceptsEveryRenderingAndRejectsAWrongType() throws Exception {
        Path dir = Path.of("target", "k8s-validate");
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "validate.mjs")) {
            Files.copy(K8S.resolve("validate").resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0).as("npm install:\n" + out).isTrue();
        }
        for (Path k : deployables()) {
            String rendered = StrictManifests.render(k);
            String out = validate(dir, rendered, 0);
            assertThat(out).as(k.toString()).doesNotContain("INVALID").contains("valid ");
        }
        String broken = StrictManifests.render(K8S.resolve("overlays/example")).replaceFirst("replicas: 3",
            "replicas: \"three\"");
        assertThat(validate(dir, broken, 1)).contains("INVALID apps/v1 Deployment/messaging-node-rpc",
            "replicas must be integer");
        String badEnum = StrictManifests.render(K8S.resolve("overlays/example")).replaceFirst("type: ClusterIP",
            "type: ClusterIp");
        assertThat(validate(dir, badEnum, 1)).contains("INVALID v1 Service/messaging");
    }

    private static String validate(Path dir, String yaml, int expectedExit) throws Exception {
        Process node = new ProcessBuilder("node", "validate.mjs").directory(dir.toFile()).redirectErrorStream(true)
            .start();
        node.getOutputStream().write(yaml.getBytes(StandardCharsets.UTF_8));
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(out).isEqualTo(expectedExit);
        return out;
    }
}
