package dev.kqlisten.support;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.TransportOptions;
import org.junit.jupiter.api.Assumptions;

/**
 * A backend the tests of this JVM run against. Which ones, and which kqueue library, come from
 * system properties set by the build (see the surefire executions in pom.xml):
 * {@code kqlisten.test.backends} (default {@code epoll,kqueue} on Linux),
 * {@code kqlisten.test.kqueue.library} and {@code kqlisten.test.kqueue.abi}.
 * <p>
 * On Linux the kqueue backend runs against the project's kqueue-compatible test library
 * (src/test/native). When that library was not built (no C compiler), using the kqueue backend
 * aborts the test as <em>skipped</em> with a loud message: it never passes silently.
 *
 * @param name display name, e.g. {@code epoll} or {@code kqueue-freebsd}
 * @param backend the backend
 * @param library the kqueue library path, or {@code null}
 * @param abi the kqueue ABI, or {@code null}
 */
public record TestBackend(String name, Backend backend, String library, KQueueAbi abi) {

    /** The backends this JVM tests, for {@code @MethodSource}. */
    public static List<TestBackend> all() {
        String wanted = System.getProperty("kqlisten.test.backends", "epoll,kqueue");
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
        List<TestBackend> backends = new ArrayList<>();
        for (String name : wanted.split(",")) {
            switch (name.trim()) {
                case "epoll" -> {
                    if (linux) {
                        backends.add(new TestBackend("epoll", Backend.EPOLL, null, null));
                    }
                }
                case "kqueue" -> backends.add(kqueue());
                default -> throw new IllegalArgumentException("kqlisten.test.backends: unknown backend '" + name + "'");
            }
        }
        return backends;
    }

    /**
     * The kqueue backend of this host: the C library's kqueue on a BSD, the test library named by
     * {@code kqlisten.test.kqueue.library} on Linux. Call {@link #assumeAvailable()} before use.
     */
    public static TestBackend kqueue() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new TestBackend("kqueue", Backend.KQUEUE, null, null);
        }
        String library = System.getProperty("kqlisten.test.kqueue.library");
        KQueueAbi abi = KQueueAbi.valueOf(System.getProperty("kqlisten.test.kqueue.abi", "FREEBSD"));
        return new TestBackend("kqueue-" + abi.name().toLowerCase(Locale.ROOT), Backend.KQUEUE, library, abi);
    }

    /**
     * Aborts the calling test (reported as skipped) when this backend cannot run here, saying
     * why on stderr.
     */
    public TestBackend assumeAvailable() {
        if (this.backend == Backend.KQUEUE && this.abi != null
                && (this.library == null || !new File(this.library).isFile())) {
            String message = "\n*** kqueue backend tests SKIPPED: the kqueue-compatible test library '" + this.library
                    + "' was not built (no C compiler?). Install gcc and rerun ./mvnw verify. ***\n";
            System.err.println(message);
            Assumptions.abort(message);
        }
        return this;
    }

    /** Transport options for this backend. */
    public TransportOptions options(int maxEvents, int readBufferSize) {
        return new TransportOptions(this.backend, this.library, this.abi, maxEvents, readBufferSize);
    }

    /** The application properties that select this backend. */
    public List<String> springProperties() {
        List<String> properties = new ArrayList<>();
        properties.add("kqlisten.backend=" + this.backend.name().toLowerCase(Locale.ROOT));
        if (this.library != null) {
            properties.add("kqlisten.kqueue.library=" + this.library);
        }
        if (this.abi != null) {
            properties.add("kqlisten.kqueue.layout=" + this.abi.name().toLowerCase(Locale.ROOT));
        }
        return properties;
    }

    @Override
    public String toString() {
        return this.name;
    }

}
