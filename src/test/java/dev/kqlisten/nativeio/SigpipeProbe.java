package dev.kqlisten.nativeio;

import java.util.Locale;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Detects a {@code SIGPIPE} raised by the calling thread's own socket calls. A JVM cannot be killed
 * by one (HotSpot handles SIGPIPE and ignores it), so "the process survived" proves nothing; this
 * blocks SIGPIPE in the calling thread instead, where a signal the kernel sends to the writing
 * thread (Linux {@code sk_stream_error}: {@code send_sig(SIGPIPE, current, 0)}) stays pending and
 * {@code sigpending(2)} shows it. {@link #close()} takes any pending one with a zero-timeout
 * {@code sigtimedwait(2)}, so it never reaches a handler, and restores the thread's mask.
 * <p>
 * Linux (glibc) only: {@code sigset_t} is 128 bytes there, SIGPIPE 13, SIG_BLOCK 0, SIG_SETMASK 2
 * ({@code bits/sigaction.h}, {@code bits/signum-generic.h}). Elsewhere the test is skipped.
 */
final class SigpipeProbe implements AutoCloseable {

    private static final int SIGPIPE = 13;

    private static final int SIG_BLOCK = 0;

    private static final int SIG_SETMASK = 2;

    private static final int SIGSET_SIZE = 128;

    interface SignalLibc extends Library {

        int sigemptyset(Pointer set);

        int sigaddset(Pointer set, int signo);

        int sigismember(Pointer set, int signo);

        int pthread_sigmask(int how, Pointer set, Pointer old);

        int sigpending(Pointer set);

        int sigtimedwait(Pointer set, Pointer info, Pointer timeout);

    }

    private final SignalLibc libc;

    private final Memory sigpipe = new Memory(SIGSET_SIZE);

    private final Memory previous = new Memory(SIGSET_SIZE);

    private final Memory pending = new Memory(SIGSET_SIZE);

    /** {@code struct timespec {0, 0}}. */
    private final Memory noWait = new Memory(16);

    /** Blocks SIGPIPE in the calling thread, discarding one already pending. */
    SigpipeProbe() {
        assumeThat(System.getProperty("os.name", "").toLowerCase(Locale.ROOT)).as("glibc signal sets")
            .startsWith("linux");
        this.libc = Native.load("c", SignalLibc.class);
        this.noWait.clear();
        this.libc.sigemptyset(this.sigpipe);
        this.libc.sigaddset(this.sigpipe, SIGPIPE);
        if (this.libc.pthread_sigmask(SIG_BLOCK, this.sigpipe, this.previous) != 0) {
            throw new IllegalStateException("pthread_sigmask failed");
        }
        take();
    }

    /** Whether a SIGPIPE is pending for this thread (or the process). */
    boolean pending() {
        this.libc.sigpending(this.pending);
        return this.libc.sigismember(this.pending, SIGPIPE) == 1;
    }

    /** Takes a pending SIGPIPE without running any handler; true if there was one. */
    boolean take() {
        return this.libc.sigtimedwait(this.sigpipe, null, this.noWait) == SIGPIPE;
    }

    @Override
    public void close() {
        take();
        this.libc.pthread_sigmask(SIG_SETMASK, this.previous, null);
        this.sigpipe.close();
        this.previous.close();
        this.pending.close();
        this.noWait.close();
    }

}
