package dev.kqlisten.nativeio.bsd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.HostOs;
import dev.kqlisten.nativeio.HostPlatform;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.linux.LinuxConstants;
import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code struct kevent} in bulk, through the backend's own {@link KQueueLibc} and
 * {@link KeventArray} against the kqueue library of this test run: one {@code kevent} call with
 * far more than 64 changes of mixed filters that returns far more than 64 events, every field of
 * every entry checked. A layout with the wrong entry size, a wrong field offset or a wrong
 * filter number cannot pass: the library would apply other changes than the ones written and
 * the events would be read from other places than where the library wrote them.
 * <p>
 * The arrays keep the start-up check's slack, so a wrong layout fails here instead of
 * corrupting the heap.
 */
@Tag("kqueue")
class KeventContractTests {

    private static final int PIPES = 64;

    private static final int USERS = 64;

    private static final int WRITERS = 4;

    private static final long PIPE_UDATA = 0x5EAD000000000000L;

    private static final long USER_UDATA = 0x05E4000000000000L;

    private static final long WRITE_UDATA = 0x7717000000000000L;

    private static final long USER_IDENT = 1_000_000L;

    private KeventLayout layout;

    private ErrnoTable errnos;

    private int kq = -1;

    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void openQueue() {
        TestBackend kqueue = TestBackend.kqueue().assumeAvailable();
        String library = kqueue.library();
        KQueueAbi abi;
        if (HostPlatform.current().os() == HostOs.LINUX) {
            abi = kqueue.abi();
            this.errnos = LinuxConstants.SOCKETS.errnos();
        }
        else {
            abi = HostPlatform.current().os().nativeKQueueAbi();
            this.errnos = BsdConstants.forOs(HostPlatform.current().os()).errnos();
        }
        KQueueLibc.bind(library);
        this.layout = KeventLayout.of(abi);
        this.kq = KQueueLibc.kqueue();
        assertThat(this.kq).as("kqueue()").isNotNegative();
    }

    @AfterEach
    void close() {
        if (this.kq >= 0) {
            PosixLibc.close(this.kq);
        }
        for (int fd : this.fds) {
            PosixLibc.close(fd);
        }
    }

    @Test
    void oneCallWithHundredsOfMixedChangesReturnsEveryEventWithEveryField() {
        int[] readEnds = new int[PIPES];
        int[] writeEnds = new int[PIPES];
        try (Memory bytes = new Memory(PIPES)) {
            bytes.clear();
            for (int i = 0; i < PIPES; i++) {
                int[] pipe = pipe();
                readEnds[i] = pipe[0];
                writeEnds[i] = pipe[1];
                // Pipe i holds i + 1 bytes: each data field is distinct.
                assertThat(PosixLibc.write(pipe[1], bytes, i + 1)).isEqualTo(i + 1);
            }
        }
        int changes = PIPES + 2 * USERS + WRITERS;
        int room = 2 * changes;
        long slack = 2L * KeventLayout.LARGEST_KNOWN_SIZE;
        try (KeventArray list = new KeventArray(this.layout, changes, slack * changes);
                KeventArray events = new KeventArray(this.layout, room, slack * room)) {
            int c = 0;
            for (int i = 0; i < PIPES; i++) {
                list.set(c, readEnds[i], KQueueLibc.EVFILT_READ, KQueueLibc.EV_ADD, 0, 0, PIPE_UDATA + i);
                if (this.layout.extWords() == 4) {
                    // ext[2] and ext[3] pass through the kernel untouched (FreeBSD kqueue.2, docs/native-abi.md §1.1).
                    list.setExt(c, 2, 0x2E2E000000000000L + i);
                    list.setExt(c, 3, 0x3E3E000000000000L + i);
                }
                c++;
            }
            for (int i = 0; i < USERS; i++) {
                list.set(c++, USER_IDENT + i, this.layout.evfiltUser(),
                        (short) (KQueueLibc.EV_ADD | KQueueLibc.EV_CLEAR), 0, 0, USER_UDATA + i);
            }
            for (int i = 0; i < USERS; i++) {
                list.set(c++, USER_IDENT + i, this.layout.evfiltUser(), (short) 0,
                        KQueueLibc.NOTE_TRIGGER | KQueueLibc.NOTE_FFCOPY | (0x00C0DE00 + i), 0, USER_UDATA + i);
            }
            for (int i = 0; i < WRITERS; i++) {
                list.set(c++, writeEnds[i], (short) -2, KQueueLibc.EV_ADD, 0, 0, WRITE_UDATA + i);
            }

            int n = KQueueLibc.kevent(this.kq, list.pointer(), changes, events.pointer(), room, zeroTimeout());

            assertThat(n).as("events from one kevent call (errno %d)", Native.getLastError())
                .isEqualTo(PIPES + USERS + WRITERS);
            Map<String, Integer> seen = new HashMap<>();
            List<String> wrong = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                long ident = events.ident(e);
                short filter = events.filter(e);
                int flags = events.flags(e);
                long udata = events.udata(e);
                String entry = "entry " + e + " {ident=" + ident + ", filter=" + filter + ", flags=0x"
                        + Integer.toHexString(flags) + ", fflags=0x" + Integer.toHexString(events.fflags(e))
                        + ", data=" + events.data(e) + ", udata=0x" + Long.toHexString(udata) + "}";
                seen.merge(filter + "/" + ident, 1, Integer::sum);
                if ((flags & (KQueueLibc.EV_ERROR | KQueueLibc.EV_EOF)) != 0) {
                    wrong.add(entry + ": error or EOF flag");
                }
                else if (filter == KQueueLibc.EVFILT_READ) {
                    int i = indexOf(readEnds, ident);
                    if (i < 0 || udata != PIPE_UDATA + i || events.data(e) != i + 1) {
                        wrong.add(entry + ": not pipe " + i + " with " + (i + 1) + " bytes");
                    }
                    else if (this.layout.extWords() == 4
                            && (events.ext(e, 2) != 0x2E2E000000000000L + i || events.ext(e, 3) != 0x3E3E000000000000L + i)) {
                        wrong.add(entry + ": ext[2..3] not passed through");
                    }
                }
                else if (filter == this.layout.evfiltUser()) {
                    long i = ident - USER_IDENT;
                    if (i < 0 || i >= USERS || udata != USER_UDATA + i
                            || (events.fflags(e) & KQueueLibc.NOTE_FFLAGSMASK) != 0x00C0DE00 + i) {
                        wrong.add(entry + ": not user event " + i);
                    }
                }
                else if (filter == -2) {
                    int i = indexOf(writeEnds, ident);
                    if (i < 0 || i >= WRITERS || udata != WRITE_UDATA + i || events.data(e) <= 0) {
                        wrong.add(entry + ": not writable pipe " + i + " with free space");
                    }
                }
                else {
                    wrong.add(entry + ": unknown filter");
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(seen).hasSize(PIPES + USERS + WRITERS).allSatisfy((key, count) -> assertThat(count).isOne());
        }
    }

    /** 64 failing changes come back as 64 error entries, each naming its own change (docs/native-abi.md §7.3). */
    @Test
    void manyFailingChangesComeBackAsOneErrorEntryEach() {
        int count = 64;
        int[] readEnds = new int[count];
        for (int i = 0; i < count; i++) {
            readEnds[i] = pipe()[0];
        }
        long slack = 2L * KeventLayout.LARGEST_KNOWN_SIZE;
        try (KeventArray list = new KeventArray(this.layout, count, slack * count);
                KeventArray events = new KeventArray(this.layout, 2 * count, slack * 2 * count)) {
            for (int i = 0; i < count; i++) {
                // Never registered: EV_DELETE fails with ENOENT (kqueue(2) ERRORS).
                list.set(i, readEnds[i], KQueueLibc.EVFILT_READ, KQueueLibc.EV_DELETE, 0, 0, PIPE_UDATA + i);
            }
            int n = KQueueLibc.kevent(this.kq, list.pointer(), count, events.pointer(), 2 * count, zeroTimeout());
            assertThat(n).isEqualTo(count);
            int enoent = this.errnos.number(Errno.ENOENT);
            for (int e = 0; e < n; e++) {
                assertThat(events.ident(e)).as("ident of entry %d", e).isEqualTo(readEnds[e]);
                assertThat(events.filter(e)).as("filter of entry %d", e).isEqualTo(KQueueLibc.EVFILT_READ);
                assertThat(events.flags(e) & KQueueLibc.EV_ERROR).as("EV_ERROR in entry %d", e).isNotZero();
                assertThat(events.data(e)).as("errno of entry %d", e).isEqualTo(enoent);
                assertThat(events.udata(e)).as("udata of entry %d", e).isEqualTo(PIPE_UDATA + e);
            }
        }
    }

    private int[] pipe() {
        int[] pipe = { -1, -1 };
        assertThat(PosixLibc.pipe(pipe)).isZero();
        this.fds.add(pipe[0]);
        this.fds.add(pipe[1]);
        return pipe;
    }

    private static int indexOf(int[] fds, long ident) {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] == ident) {
                return i;
            }
        }
        return -1;
    }

    private static Memory zeroTimeout() {
        Memory timeout = new Memory(16);
        timeout.clear();
        return timeout;
    }

}
