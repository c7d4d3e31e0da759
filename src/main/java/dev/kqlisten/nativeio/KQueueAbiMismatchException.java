package dev.kqlisten.nativeio;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The kqueue library does not speak the {@code struct kevent} layout kqlisten was told (or
 * detected) to use: a check {@code kevent} call on a scratch kqueue came back different from
 * what that layout predicts. Starting anyway would lose data without an error (changes and
 * events walked with the wrong stride, docs/native-abi.md), so nothing is bound.
 */
public class KQueueAbiMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String library;

    private final KQueueAbi layout;

    private final boolean configured;

    private final String expected;

    private final String actual;

    private final List<KQueueAbi> matching;

    /**
     * @param library the library as named, or a description of the C library
     * @param layout the layout that was checked
     * @param configured whether {@code layout} came from configuration (else it was detected from the OS)
     * @param expected what the layout predicts
     * @param actual what came back
     * @param matching the other layouts the same check passes with (may be empty)
     */
    public KQueueAbiMismatchException(String library, KQueueAbi layout, boolean configured, String expected,
            String actual, List<KQueueAbi> matching) {
        super("The kqueue library " + library + " does not match the " + layout.propertyValue() + " layout ("
                + (configured ? "configured" : "detected from the OS") + "): expected " + expected + "; got "
                + actual);
        this.library = library;
        this.layout = layout;
        this.configured = configured;
        this.expected = expected;
        this.actual = actual;
        this.matching = List.copyOf(matching);
    }

    public String library() {
        return this.library;
    }

    public KQueueAbi layout() {
        return this.layout;
    }

    /** Whether {@link #layout()} was configured rather than detected from the host OS. */
    public boolean configured() {
        return this.configured;
    }

    public String expected() {
        return this.expected;
    }

    public String actual() {
        return this.actual;
    }

    /** Other layouts the library passed the same check with. */
    public List<KQueueAbi> matching() {
        return this.matching;
    }

    /** {@code "libkqueue"}, {@code "darwin, openbsd"}, or {@code ""}. */
    public String matchingValues() {
        return this.matching.stream().map(KQueueAbi::propertyValue).collect(Collectors.joining(", "));
    }

}
