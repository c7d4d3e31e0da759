package dev.kqlisten.nativeio.linux;

import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import dev.kqlisten.support.OpenFileDescriptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The parts of {@link EpollMultiplexer} that the contract tests cannot reach through the seam.
 */
class EpollMultiplexerInternalsTests {

    /** The native blocks the constructor allocates: events, control, wake drain, wake value. */
    private static final int BLOCKS = 4;

    @Test
    void timeoutsRoundUpToWholeMilliseconds() {
        assertThat(EpollMultiplexer.toMillis(-1)).isEqualTo(-1);
        assertThat(EpollMultiplexer.toMillis(0)).isZero();
        assertThat(EpollMultiplexer.toMillis(1)).isEqualTo(1);
        assertThat(EpollMultiplexer.toMillis(1_000_001)).isEqualTo(2);
        assertThat(EpollMultiplexer.toMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    /**
     * A constructor that fails half-way must free the blocks it allocated and close the epoll
     * and eventfd descriptors it opened; without the cleanup each failed start would leave them
     * to the garbage collector (memory) or to nobody (descriptors).
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aConstructorThatFailsReleasesEveryBlockAndDescriptorItTook() {
        for (int failing = 0; failing < BLOCKS; failing++) {
            List<Memory> allocated = new ArrayList<>();
            int refused = failing;
            OpenFileDescriptors before = OpenFileDescriptors.snapshot();
            assertThatIllegalStateException().isThrownBy(() -> new EpollMultiplexer(16, (size) -> {
                if (allocated.size() == refused) {
                    throw new IllegalStateException("allocation " + refused + " refused by the test");
                }
                Memory block = new Memory(size);
                allocated.add(block);
                return block;
            }));
            assertThat(allocated).as("blocks before allocation %d", failing).hasSize(failing).noneMatch(Memory::valid);
            assertThat(before.leakedSince()).as("descriptors after allocation %d failed", failing).isEmpty();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void closeFreesEveryBlockButTheOneALateWakeupMayStillRead() throws Exception {
        List<Memory> allocated = new ArrayList<>();
        EpollMultiplexer mux = new EpollMultiplexer(16, (size) -> {
            Memory block = new Memory(size);
            allocated.add(block);
            return block;
        });
        assertThat(allocated).hasSize(BLOCKS).allMatch(Memory::valid);
        mux.close();
        mux.wakeup();
        assertThat(allocated.subList(0, BLOCKS - 1)).noneMatch(Memory::valid);
        assertThat(allocated.get(BLOCKS - 1).valid()).isTrue();
        allocated.get(BLOCKS - 1).close();
    }

}
