package dev.kqlisten.nativeio.unix;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Errno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The table is positional; a missing or duplicated number must fail at class load, not at run time. */
class ErrnoTableTests {

    static final int[] BSD = { 2, 4, 9, 22, 23, 24, 32, 35, 36, 37, 38, 45, 48, 49, 51, 53, 54, 55, 56, 57, 60, 61, 65,
            78, 13 };

    @Test
    void mapsNumbersToNamesAndBack() {
        ErrnoTable table = new ErrnoTable(BSD);
        assertThat(table.errno(2)).isEqualTo(Errno.ENOENT);
        assertThat(table.errno(78)).isEqualTo(Errno.ENOSYS);
        assertThat(table.number(Errno.EAGAIN)).isEqualTo(35);
        assertThat(table.number(Errno.UNKNOWN)).isEqualTo(-1);
    }

    @Test
    void unknownNumbersAreUnknown() {
        ErrnoTable table = new ErrnoTable(BSD);
        assertThat(table.errno(0)).isEqualTo(Errno.UNKNOWN);
        assertThat(table.errno(-4)).isEqualTo(Errno.UNKNOWN);
        assertThat(table.errno(1)).isEqualTo(Errno.UNKNOWN);
        assertThat(table.errno(10_000)).isEqualTo(Errno.UNKNOWN);
    }

    @Test
    void rejectsAWrongCountOrADuplicate() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ErrnoTable(1, 2, 3));
        int[] duplicate = BSD.clone();
        duplicate[1] = 2;
        assertThatIllegalArgumentException().isThrownBy(() -> new ErrnoTable(duplicate))
            .withMessageContaining("share 2");
    }

}
