package dev.kqlisten.nativeio;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The contract against kqueue, through {@link Multiplexers#open(TransportOptions)}: the C
 * library's kqueue on a BSD; on Linux the kqueue-compatible test library named by the system
 * properties {@value #LIBRARY_PROPERTY} (absolute path of the .so) and {@value #ABI_PROPERTY}
 * ({@code FREEBSD} or {@code DARWIN}). Without that library the tests abort (skipped, with a
 * message on stderr): they never pass without having run.
 */
@Tag("kqueue")
class KQueueMultiplexerTests extends MultiplexerContractTests {

    static final String LIBRARY_PROPERTY = "kqlisten.test.kqueue.library";

    static final String ABI_PROPERTY = "kqlisten.test.kqueue.abi";

    private static boolean warned;

    @Override
    TransportOptions options() {
        return options(64);
    }

    static TransportOptions options(int maxEvents) {
        if (HostPlatform.current().os() != HostOs.LINUX) {
            return new TransportOptions(Backend.KQUEUE, null, null, maxEvents, 4096);
        }
        String library = System.getProperty(LIBRARY_PROPERTY);
        String abi = System.getProperty(ABI_PROPERTY, "FREEBSD");
        if (library == null || !Files.isRegularFile(Path.of(library))) {
            String message = "KQUEUE TESTS SKIPPED: no kqueue-compatible library at -D" + LIBRARY_PROPERTY + "="
                    + library + " (build it with src/test/native/build.sh)";
            if (!warned) {
                warned = true;
                System.err.println("*** " + message + " ***");
            }
            abort(message);
        }
        return new TransportOptions(Backend.KQUEUE, library, KqueueAbi.valueOf(abi), maxEvents, 4096);
    }

    @Override
    String expectedBackend() {
        return "kqueue";
    }

}
