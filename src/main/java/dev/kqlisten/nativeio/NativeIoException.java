package dev.kqlisten.nativeio;

import java.io.IOException;

/**
 * A system call failed: carries the call's name, the raw errno and its OS-neutral name.
 * <p>
 * Message shape: {@code accept(..) failed: errno 24 (EMFILE: Too many open files)}.
 */
public class NativeIoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String syscall;

    private final int errno;

    private final transient Errno kind;

    public NativeIoException(String syscall, int errno, Errno kind) {
        super(syscall + "(..) failed: errno " + errno + " (" + kind.name() + ": " + kind.description() + ")");
        this.syscall = syscall;
        this.errno = errno;
        this.kind = kind;
    }

    /** The failing call, as named in C ({@code bind}, {@code kevent}, ...). */
    public String syscall() {
        return this.syscall;
    }

    /** The raw errno value, as this OS numbers it. */
    public int errno() {
        return this.errno;
    }

    /** The OS-neutral name of {@link #errno()}. */
    public Errno kind() {
        return this.kind;
    }

}
