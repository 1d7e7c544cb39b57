package dev.messagingnode.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The native image can reach by reflection everything the node reaches by reflection on the JVM: JGroups' protocols
 * and the classes of its magic-number and protocol-id maps (loaded by name), with those two maps as resources, and
 * jgroups-raft's. (The cluster's frames need none: each has an explicit {@code FrameCodec}, which
 * {@link #theClusterCodecReflectsOnNothing} holds.) No GraalVM runs here, so this is the check that catches a missing
 * registration before a native build does: a new protocol in the stack. Regenerate the files with
 * {@code ./mvnw test -Dtest=NativeImageConfigTest -Dnative.config.write=true}.
 */
class NativeImageConfigTest {

    private static final Path DIR = Path.of("src/main/resources/META-INF/native-image/dev.messagingnode/messaging-node");
    private static final Path REFLECT = DIR.resolve("reflect-config.json");
    private static final Path RESOURCES = DIR.resolve("resource-config.json");
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    /** The frames' codecs name their components one by one: no source of the cluster codec reflects. */
    @Test
    void theClusterCodecReflectsOnNothing() throws Exception {
        for (String source : new String[] {"WireCodec", "FrameCodec", "FrameReader", "FrameWriter"}) {
            String text = Files.readString(MAIN_SOURCES.resolve("dev/messagingnode/exchange/" + source + ".java"));
            assertThat(text).as(source).doesNotContain("java.lang.reflect").doesNotContain("MethodHandle")
                .doesNotContain("getRecordComponents");
        }
    }

    @Test
    void everyClassTheNodeReflectsOnIsRegistered() throws Exception {
        Set<String> expected = expectedReflection();
        JsonArray expectedJson = new JsonArray();
        expected.forEach(name -> expectedJson.add(new JsonObject().put("name", name)
            .put("allDeclaredConstructors", true).put("allDeclaredMethods", true).put("allDeclaredFields", true)
            .put("allPublicMethods", true)));
        JsonObject expectedResources = new JsonObject().put("resources", new JsonObject().put("includes",
            new JsonArray().add(new JsonObject().put("pattern", "\\Qjg-magic-map.xml\\E"))
                .add(new JsonObject().put("pattern", "\\Qjg-protocol-ids.xml\\E"))));
        if (Boolean.getBoolean("native.config.write")) {
            Files.createDirectories(DIR);
            Files.writeString(REFLECT, expectedJson.encodePrettily() + "\n");
            Files.writeString(RESOURCES, expectedResources.encodePrettily() + "\n");
        }
        Set<String> registered = new TreeSet<>();
        new JsonArray(Files.readString(REFLECT)).forEach(o -> registered.add(((JsonObject) o).getString("name")));
        assertThat(registered).as("reflect-config.json (regenerate: -Dnative.config.write=true)")
            .containsAll(expected);
        assertThat(new JsonObject(Files.readString(RESOURCES))).isEqualTo(expectedResources);
    }

    static Set<String> expectedReflection() throws IOException {
        Set<String> names = new TreeSet<>();
        // JGroups' protocols of our stacks: every class of org.jgroups.protocols the node's sources name, imported or
        // written out in full (a fully qualified `new` is caught too), so a protocol added anywhere is caught here.
        try (java.util.stream.Stream<Path> sources = Files.walk(MAIN_SOURCES)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher named = Pattern.compile("\\b(org\\.jgroups\\.protocols(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*)")
                    .matcher(Files.readString(source));
                while (named.find()) {
                    if (!named.group(1).endsWith(".Protocol")) {
                        names.add(named.group(1));
                    }
                }
            }
        }
        names.addAll(raftClasses());
        for (String map : new String[] {"jg-magic-map.xml", "jg-protocol-ids.xml"}) {
            try (InputStream in = org.jgroups.JChannel.class.getClassLoader().getResourceAsStream(map)) {
                Matcher m = Pattern.compile("name=\"([\\w.$]+)\"").matcher(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
                while (m.find()) {
                    try {
                        Class.forName(m.group(1), false, org.jgroups.JChannel.class.getClassLoader());
                        names.add(m.group(1));
                    } catch (ClassNotFoundException | LinkageError optional) {
                        // listed by JGroups for optional modules that are not on our class path
                    }
                }
            }
        }
        return names;
    }

    /**
     * jgroups-raft's protocols, headers and messages: its classes register their magic numbers and protocol ids in
     * static initializers (not in JGroups' XML maps) and are built by reflection when a message or header arrives,
     * and its log is loaded by class name (RAFT.log_class). Every concrete class of the jar that is a Protocol, a
     * Header, a Streamable (requests, responses, log entries) or a Log.
     */
    static Set<String> raftClasses() throws IOException {
        Set<String> out = new TreeSet<>();
        ClassLoader loader = org.jgroups.JChannel.class.getClassLoader();
        Path jar;
        try {
            jar = Path.of(org.jgroups.protocols.raft.RAFT.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (!n.endsWith(".class") || !n.startsWith("org/jgroups/") || n.contains("module-info")
                    || n.contains("LevelDB")) {
                    continue;
                }
                try {
                    Class<?> c = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader);
                    boolean concrete = !c.isInterface() && !java.lang.reflect.Modifier.isAbstract(c.getModifiers());
                    if (concrete && (org.jgroups.stack.Protocol.class.isAssignableFrom(c)
                        || org.jgroups.Header.class.isAssignableFrom(c)
                        || org.jgroups.util.Streamable.class.isAssignableFrom(c)
                        || org.jgroups.protocols.raft.Log.class.isAssignableFrom(c))) {
                        out.add(c.getName());
                    }
                } catch (ClassNotFoundException | LinkageError optional) {
                    // a class for an optional dependency (LevelDB) that is not on our class path
                }
            }
        }
        return out;
    }

    @Test
    void theRaftProtocolsOfTheDurableGroupAreRegistered() throws Exception {
        Set<String> raft = raftClasses();
        assertThat(raft).contains("org.jgroups.protocols.raft.RAFT", "org.jgroups.protocols.raft.ELECTION",
            "org.jgroups.protocols.raft.REDIRECT", "org.jgroups.protocols.raft.FileBasedLog",
            "org.jgroups.protocols.raft.AppendEntriesRequest", "org.jgroups.protocols.raft.REDIRECT$RedirectHeader",
            "org.jgroups.protocols.raft.election.VoteResponse");
        assertThat(raft).as("LevelDB is not on our class path; its log is not used").noneMatch(n -> n.contains("LevelDB"));
        Set<String> named = expectedReflection();
        // Named in DurableGroup by import, and in JGroupsCluster by fully qualified name only: both are found.
        assertThat(named).contains("org.jgroups.protocols.SHARED_LOOPBACK", "org.jgroups.protocols.raft.REDIRECT");
    }
}
