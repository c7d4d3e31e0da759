package dev.kqlisten;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package boundaries the design depends on: JNA stays inside {@code nativeio}, the loop and
 * the server stay free of Spring, Spring code uses only the OS-neutral seam, and nothing forms a
 * cycle.
 */
class ArchitectureTests {

    private static final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.kqlisten");

    @Test
    void onlyTheNativePackageUsesJna() {
        noClasses().that()
            .resideOutsideOfPackage("dev.kqlisten.nativeio..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.sun.jna..")
            .check(classes);
    }

    @Test
    void pollerAndConnectionAreFreeOfSpring() {
        noClasses().that()
            .resideInAnyPackage("dev.kqlisten.poller..", "dev.kqlisten.dispatch..", "dev.kqlisten.connection..",
                    "dev.kqlisten.nativeio..", "dev.kqlisten.framing..", "dev.kqlisten.server..", "dev.kqlisten.net..",
                    "dev.kqlisten.proxy..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.springframework..")
            .check(classes);
    }

    /**
     * Address matching and the PROXY protocol parser are leaves the loop and the configuration
     * both use: {@code net} knows no other package of ours, {@code proxy} only {@code net}, and
     * neither touches JNA (checked above) or Spring.
     */
    @Test
    void addressAndProxyPackagesAreLeaves() {
        noClasses().that()
            .resideInAPackage("dev.kqlisten.net..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("dev.kqlisten.net..", "java..")
            .check(classes);
        noClasses().that()
            .resideInAPackage("dev.kqlisten.proxy..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("dev.kqlisten.proxy..", "dev.kqlisten.net..", "java..")
            .check(classes);
    }

    @Test
    void springCodeUsesOnlyTheNativeSeam() {
        noClasses().that()
            .resideInAnyPackage("dev.kqlisten.boot..", "dev.kqlisten.server..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.kqlisten.nativeio.bsd..", "dev.kqlisten.nativeio.linux..", "dev.kqlisten.nativeio.unix..")
            .check(classes);
    }

    @Test
    void lowerLayersDoNotDependOnHigherOnes() {
        noClasses().that()
            .resideInAnyPackage("dev.kqlisten.nativeio..", "dev.kqlisten.connection..", "dev.kqlisten.framing..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.kqlisten.poller..", "dev.kqlisten.dispatch..", "dev.kqlisten.server..",
                    "dev.kqlisten.boot..")
            .check(classes);
    }

    /**
     * The server runs the pollers without Spring; {@code boot} adapts it to a context (lifecycle,
     * events, actuator, metrics), so the dependency points from {@code boot} to {@code server}.
     */
    @Test
    void theServerDoesNotKnowSpringBoot() {
        noClasses().that()
            .resideInAPackage("dev.kqlisten.server..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.kqlisten.boot..")
            .check(classes);
    }

    /** The loop knows its listener and the read switch it hands out, never how events are dispatched. */
    @Test
    void theLoopDoesNotKnowTheDispatchModes() {
        noClasses().that()
            .resideInAPackage("dev.kqlisten.poller..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.kqlisten.dispatch..", "dev.kqlisten.server..", "dev.kqlisten.boot..")
            .check(classes);
    }

    @Test
    void nativeSubPackagesAreFreeOfCycles() {
        slices().matching("dev.kqlisten.nativeio.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The OS packages share only {@code unix}; {@code unix} knows neither of them; of the
     * OS-neutral seam only {@code Multiplexers}, the factory, reaches into them.
     */
    @Test
    void nativeSubPackagesDependOnlyDownwards() {
        noClasses().that()
            .resideInAPackage("dev.kqlisten.nativeio.unix..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.kqlisten.nativeio.bsd..", "dev.kqlisten.nativeio.linux..")
            .check(classes);
        noClasses().that()
            .resideInAPackage("dev.kqlisten.nativeio.bsd..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.kqlisten.nativeio.linux..")
            .check(classes);
        noClasses().that()
            .resideInAPackage("dev.kqlisten.nativeio.linux..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.kqlisten.nativeio.bsd..")
            .check(classes);
        noClasses().that()
            .resideInAPackage("dev.kqlisten.nativeio")
            .and()
            .doNotHaveSimpleName("Multiplexers")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.kqlisten.nativeio.bsd..", "dev.kqlisten.nativeio.linux..",
                    "dev.kqlisten.nativeio.unix..")
            .check(classes);
    }

    @Test
    void topLevelPackagesAreFreeOfCycles() {
        slices().matching("dev.kqlisten.(*)..").should().beFreeOfCycles().check(classes);
    }

}
