package dev.kqlisten.nativeio.linux;

import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code struct epoll_event} is packed on x86_64 only (docs/native-abi.md §5.1); a default-aligned layout
 * there would read {@code data} four bytes off.
 */
class EpollEventLayoutTests {

    @Test
    void x86IsPackedTo12Bytes() {
        assertThat(EpollEventLayout.forArch("amd64")).isEqualTo(new EpollEventLayout(12, 4));
        assertThat(EpollEventLayout.forArch("x86_64")).isSameAs(EpollEventLayout.X86_64);
    }

    @Test
    void aarch64IsNaturallyAlignedTo16Bytes() {
        assertThat(EpollEventLayout.forArch("aarch64")).isEqualTo(new EpollEventLayout(16, 8));
    }

    @Test
    void otherArchitecturesHaveNoLayout() {
        assertThat(EpollEventLayout.forArch("x86")).isNull();
    }

    /** JNA's layout of the C struct, packed on x86_64 as the header is, agrees with the current layout. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void jnaStructurePrototypeAgreesWithTheCurrentLayout() {
        EpollEvent prototype = new EpollEvent(EpollEventLayout.CURRENT == EpollEventLayout.X86_64);
        assertThat(prototype.size()).isEqualTo(EpollEventLayout.CURRENT.size());
        assertThat(prototype.offsetOf("data")).isEqualTo(EpollEventLayout.CURRENT.dataOffset());
    }

    @Structure.FieldOrder({ "events", "data" })
    public static class EpollEvent extends Structure {

        int offsetOf(String field) {
            return fieldOffset(field);
        }

        public int events;

        public long data;

        EpollEvent(boolean packed) {
            super(packed ? ALIGN_NONE : ALIGN_DEFAULT);
        }

    }

}
