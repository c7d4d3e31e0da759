package dev.kqlisten.nativeio.bsd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.KQueueAbiMismatchException;
import dev.kqlisten.nativeio.linux.LinuxConstants;
import dev.kqlisten.nativeio.unix.ErrnoTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The start-up ABI check against every build of the test library (src/test/native) with every
 * layout: it must pass exactly where the layout is the library's ABI and refuse every other
 * pair. OpenBSD's layout is macOS's as far as kqlisten uses it (32 bytes, EVFILT_USER -10,
 * docs/native-abi.md §1.3, §1.4, §2), so the macOS build passes it too; DragonFly's EVFILT_USER (-9)
 * matches no build. The builds' libraries are named by {@value #NATIVE_DIR_PROPERTY}.
 * <p>
 * The check runs through JNA {@code Function}s of each library, so all of them can be tried in
 * one JVM, next to whichever library the kqueue backend of this test run is bound to.
 */
class KeventAbiCheckTests {

    static final String NATIVE_DIR_PROPERTY = "kqlisten.test.kqueue.native-dir";

    private static final ErrnoTable ERRNOS = LinuxConstants.SOCKETS.errnos();

    private static final Set<KQueueAbi> ALL = EnumSet.allOf(KQueueAbi.class);

    /** Build name (libkqcompat-NAME.so) and the layouts that describe it. */
    private static final List<Build> BUILDS = List.of(
            new Build("freebsd", EnumSet.of(KQueueAbi.FREEBSD)),
            new Build("darwin", EnumSet.of(KQueueAbi.DARWIN, KQueueAbi.OPENBSD)),
            new Build("libkqueue", EnumSet.of(KQueueAbi.LIBKQUEUE)));

    @Test
    void passesExactlyTheLayoutsOfEachBuild() {
        List<String> wrong = new ArrayList<>();
        for (Build build : BUILDS) {
            String library = library(build.name());
            for (KQueueAbi abi : KQueueAbi.values()) {
                boolean expected = build.layouts().contains(abi);
                if (KeventAbiCheck.passes(library, abi, ERRNOS) != expected) {
                    wrong.add(build.name() + " build with layout " + abi + ": expected "
                            + (expected ? "pass" : "refusal"));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aMismatchNamesTheLayoutWhatCameBackAndTheLayoutThatFits() {
        String library = library("freebsd");
        assertThatExceptionOfType(KQueueAbiMismatchException.class)
            .isThrownBy(() -> KeventAbiCheck.verify(library, KQueueAbi.DARWIN, true, ERRNOS, ALL))
            .satisfies((ex) -> {
                assertThat(ex.library()).isEqualTo(library);
                assertThat(ex.layout()).isEqualTo(KQueueAbi.DARWIN);
                assertThat(ex.configured()).isTrue();
                assertThat(ex.expected()).startsWith("with the 32-byte struct kevent, EVFILT_USER -10, one kevent call "
                        + "with 7 changes returns 4 events");
                assertThat(ex.actual()).isNotBlank();
                assertThat(ex.matching()).containsExactly(KQueueAbi.FREEBSD);
                assertThat(ex.getMessage()).contains("does not match the darwin layout (configured)");
            });
    }

    /** The 64-byte layout against a 32-byte library: the stride error libkqueue users met (issue 8). */
    @Test
    void theFreeBsdLayoutOnALibkqueueStyleLibraryIsRefusedAndLibkqueueSuggested() {
        String library = library("libkqueue");
        assertThatExceptionOfType(KQueueAbiMismatchException.class)
            .isThrownBy(() -> KeventAbiCheck.verify(library, KQueueAbi.FREEBSD, true, ERRNOS, ALL))
            .satisfies((ex) -> assertThat(ex.matching()).containsExactly(KQueueAbi.LIBKQUEUE));
    }

    /** On a BSD host no other layout can be configured, so none is suggested. */
    @Test
    void withoutAlternativesNoLayoutIsSuggested() {
        String library = library("freebsd");
        assertThatExceptionOfType(KQueueAbiMismatchException.class)
            .isThrownBy(() -> KeventAbiCheck.verify(library, KQueueAbi.DARWIN, false, ERRNOS, Set.of()))
            .satisfies((ex) -> assertThat(ex.matching()).isEmpty());
    }

    @Test
    void dragonFlyMatchesNoBuild() {
        for (Build build : BUILDS) {
            String library = library(build.name());
            assertThatExceptionOfType(KQueueAbiMismatchException.class)
                .isThrownBy(() -> KeventAbiCheck.verify(library, KQueueAbi.DRAGONFLY, false, ERRNOS, ALL))
                .satisfies((ex) -> {
                    assertThat(ex.configured()).isFalse();
                    assertThat(ex.matching()).containsExactlyInAnyOrderElementsOf(build.layouts());
                });
        }
    }

    static String library(String build) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            abort("the test library builds exist on Linux only");
        }
        String dir = System.getProperty(NATIVE_DIR_PROPERTY);
        Path path = (dir != null) ? Path.of(dir, "libkqcompat-" + build + ".so") : null;
        if (path == null || !Files.isRegularFile(path)) {
            String message = "KQUEUE ABI CHECK TESTS SKIPPED: no test library " + path + " (-D" + NATIVE_DIR_PROPERTY
                    + "; build it with src/test/native/build.sh)";
            System.err.println("*** " + message + " ***");
            abort(message);
        }
        return path.toString();
    }

    private record Build(String name, Set<KQueueAbi> layouts) {
    }

}
