package dev.kqlisten.nativeio.bsd;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.KQueueAbi;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins {@code struct kevent} per ABI (docs/native-abi.md §1) and the ABI-dependent constants (§2). A
 * wrong size here means the kernel writes past our event array (§9.1), so these values must
 * only change together with the reference.
 */
class KeventLayoutTests {

    @Test
    void freeBsdEventsAre64BytesWithFourExtWords() {
        assertThat(KeventLayout.of(KQueueAbi.FREEBSD)).isEqualTo(new KeventLayout(64, 4, (short) -11, true));
    }

    @Test
    void darwinOpenBsdAndDragonFlyEventsAre32Bytes() {
        assertThat(KeventLayout.of(KQueueAbi.DARWIN)).isEqualTo(new KeventLayout(32, 0, (short) -10, true));
        assertThat(KeventLayout.of(KQueueAbi.OPENBSD)).isEqualTo(new KeventLayout(32, 0, (short) -10, true));
        assertThat(KeventLayout.of(KQueueAbi.DRAGONFLY)).isEqualTo(new KeventLayout(32, 0, (short) -9, true));
    }

    /** libkqueue (docs/native-abi.md §11): 32 bytes with FreeBSD's numbers, and close(2) keeps registrations. */
    @Test
    void libkqueueEventsAre32BytesWithFreeBsdNumbersAndOutliveClose() {
        assertThat(KeventLayout.of(KQueueAbi.LIBKQUEUE)).isEqualTo(new KeventLayout(32, 0, (short) -11, false));
    }

    @Test
    void everyLayoutFitsTheCheckSlack() {
        for (KQueueAbi abi : KQueueAbi.values()) {
            assertThat(KeventLayout.of(abi).size()).isLessThanOrEqualTo(KeventLayout.LARGEST_KNOWN_SIZE);
        }
    }

    @Test
    void ext4EndsExactlyAtTheFreeBsdSize() {
        KeventLayout layout = KeventLayout.FREEBSD;
        assertThat(KeventLayout.EXT + 8 * layout.extWords()).isEqualTo(layout.size());
        assertThat(KeventLayout.UDATA + 8).isEqualTo(KeventLayout.DARWIN.size());
    }

    @Test
    void abiIndependentConstantsMatchTheReference() {
        assertThat(KQueueLibc.EVFILT_READ).isEqualTo((short) -1);
        assertThat(KQueueLibc.EV_ADD | KQueueLibc.EV_ENABLE | KQueueLibc.EV_DISABLE | KQueueLibc.EV_CLEAR)
            .isEqualTo(0x2D);
        assertThat(KQueueLibc.EV_ERROR).isEqualTo(0x4000);
        assertThat(KQueueLibc.EV_EOF).isEqualTo(0x8000);
        assertThat(KQueueLibc.NOTE_TRIGGER).isEqualTo(0x01000000);
    }

    /** JNA's own layout of the C struct agrees with the hand-written offsets. */
    @Test
    void jnaStructurePrototypeAgreesWithTheOffsets() {
        FreeBsdKevent freeBsd = new FreeBsdKevent();
        assertThat(freeBsd.size()).isEqualTo(KeventLayout.FREEBSD.size());
        assertThat(freeBsd.offsetOf("filter")).isEqualTo(KeventLayout.FILTER);
        assertThat(freeBsd.offsetOf("flags")).isEqualTo(KeventLayout.FLAGS);
        assertThat(freeBsd.offsetOf("fflags")).isEqualTo(KeventLayout.FFLAGS);
        assertThat(freeBsd.offsetOf("data")).isEqualTo(KeventLayout.DATA);
        assertThat(freeBsd.offsetOf("udata")).isEqualTo(KeventLayout.UDATA);
        assertThat(freeBsd.offsetOf("ext")).isEqualTo(KeventLayout.EXT);
        assertThat(new Kevent32().size()).isEqualTo(KeventLayout.DARWIN.size());
    }

    @Structure.FieldOrder({ "ident", "filter", "flags", "fflags", "data", "udata", "ext" })
    public static class FreeBsdKevent extends Structure {

        int offsetOf(String field) {
            return fieldOffset(field);
        }

        public long ident;

        public short filter;

        public short flags;

        public int fflags;

        public long data;

        public Pointer udata;

        public long[] ext = new long[4];

    }

    @Structure.FieldOrder({ "ident", "filter", "flags", "fflags", "data", "udata" })
    public static class Kevent32 extends Structure {

        int offsetOf(String field) {
            return fieldOffset(field);
        }

        public long ident;

        public short filter;

        public short flags;

        public int fflags;

        public long data;

        public Pointer udata;

    }

}
