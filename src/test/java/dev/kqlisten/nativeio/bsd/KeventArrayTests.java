package dev.kqlisten.nativeio.bsd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Field round trips by offset, the zeroed FreeBSD {@code ext[]} (§1.1: EV_SET zeroes it, Java
 * must too), and growth (STYLE §11: Netty's realloc had a precedence slip).
 */
class KeventArrayTests {

    @Test
    void fieldsRoundTripIncludingUnsignedFlagsAndNegativeFilters() {
        try (KeventArray array = new KeventArray(KeventLayout.DARWIN, 2)) {
            array.set(1, 77, (short) -10, (short) (KQueueLibc.EV_EOF | KQueueLibc.EV_ERROR), 0x01000000, -5L,
                    Long.MAX_VALUE);
            assertThat(array.ident(1)).isEqualTo(77);
            assertThat(array.filter(1)).isEqualTo((short) -10);
            assertThat(array.flags(1)).isEqualTo(0xC000);
            assertThat(array.fflags(1)).isEqualTo(0x01000000);
            assertThat(array.data(1)).isEqualTo(-5L);
            assertThat(array.udata(1)).isEqualTo(Long.MAX_VALUE);
            assertThat(array.pointer().getLong(32)).isEqualTo(77);
        }
    }

    @Test
    void setZeroesTheFreeBsdExtWords() {
        try (KeventArray array = new KeventArray(KeventLayout.FREEBSD, 1)) {
            array.pointer().setMemory(0, 64, (byte) 0x5A);
            array.set(0, 3, KQueueLibc.EVFILT_READ, KQueueLibc.EV_ADD, 0, 0, 9);
            for (int w = 0; w < 4; w++) {
                assertThat(array.pointer().getLong(KeventLayout.EXT + 8L * w)).isZero();
            }
        }
    }

    @Test
    void growDoublesAndKeepsTheUsedEntries() {
        try (KeventArray array = new KeventArray(KeventLayout.FREEBSD, 3)) {
            for (int i = 0; i < 3; i++) {
                array.set(i, i + 10, KQueueLibc.EVFILT_READ, KQueueLibc.EV_ADD, 0, 0, i + 100);
            }
            array.grow(3);
            assertThat(array.capacity()).isEqualTo(6);
            for (int i = 0; i < 3; i++) {
                assertThat(array.ident(i)).isEqualTo(i + 10);
                assertThat(array.udata(i)).isEqualTo(i + 100);
            }
            assertThat(array.ident(5)).isZero();
        }
    }

    @Test
    void moveCopiesAWholeEntry() {
        try (KeventArray array = new KeventArray(KeventLayout.FREEBSD, 2)) {
            array.set(1, 8, KQueueLibc.EVFILT_READ, KQueueLibc.EV_DISABLE, 4, 5, 6);
            array.move(1, 0);
            assertThat(array.ident(0)).isEqualTo(8);
            assertThat(array.flags(0)).isEqualTo(KQueueLibc.EV_DISABLE);
            assertThat(array.udata(0)).isEqualTo(6);
        }
    }

}
