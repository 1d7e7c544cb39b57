package dev.messagingnode;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the package lines of STYLE.md visible: model below patterns, patterns below surfaces and wiring. */
@AnalyzeClasses(packages = "dev.messagingnode", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theExchangeModelKnowsNoPatternNorSurface = noClasses()
        .that().resideInAPackage("..exchange..")
        .should().dependOnClassesThat().resideInAnyPackage("..rpc..", "..pubsub..", "..sink..", "..tasks..",
            "..client..", "..node..", "..ops..", "..config..", "..demo..", "..remote..", "io.quarkus..", "jakarta..");

    @ArchTest
    static final ArchRule patternsKnowNeitherSurfacesNorQuarkus = noClasses()
        .that().resideInAnyPackage("..rpc..", "..pubsub..", "..sink..", "..tasks..")
        .should().dependOnClassesThat().resideInAnyPackage("..client..", "..node..", "..ops..", "..config..",
            "..demo..", "..remote..", "io.quarkus..", "jakarta..");

    /** Patterns meet only through the exchange model (a dead letter is a {@code DeadLetterFrame}, not a sink call). */
    @ArchTest
    static final ArchRule patternsDoNotKnowEachOther = slices().matching("dev.messagingnode.(rpc|pubsub|sink|tasks)..")
        .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule theJavaApiDoesNotDependOnQuarkus = noClasses()
        .that().resideInAPackage("..client..")
        .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "..node..");

    @ArchTest
    static final ArchRule onlyTheJGroupsPackageKnowsJGroups = noClasses()
        .that().resideOutsideOfPackages("..cluster.jgroups..", "..durable..")
        .should().dependOnClassesThat().resideInAPackage("org.jgroups..");

    @ArchTest
    static final ArchRule patternsSeeTheClusterOnlyThroughItsInterface = noClasses()
        .that().resideInAnyPackage("..exchange..", "..rpc..", "..pubsub..", "..sink..", "..tasks..", "..client..")
        .should().dependOnClassesThat().resideInAPackage("..cluster.jgroups..");

    /** Remote parties are plain Java over the client API: HTTP and the bridges are two ways to drive them. */
    @ArchTest
    static final ArchRule remotePartiesKnowNoSurfaceNorQuarkus = noClasses()
        .that().resideInAPackage("..remote..")
        .should().dependOnClassesThat().resideInAnyPackage("..http..", "..bridge..", "..node..", "io.quarkus..",
            "jakarta..", "io.vertx.ext.web..");

    /** Nothing below the surfaces depends on them. */
    @ArchTest
    static final ArchRule onlyWiringKnowsTheSurfaces = noClasses()
        .that().resideInAnyPackage("..exchange..", "..rpc..", "..pubsub..", "..sink..", "..tasks..", "..client..",
            "..cluster..", "..remote..", "..node..")
        .should().dependOnClassesThat().resideInAnyPackage("..http..", "..bridge..");

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("dev.messagingnode.(*)..").should().beFreeOfCycles();
}
