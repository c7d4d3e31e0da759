package dev.kqlisten.nativeio.linux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of {@link EpollMultiplexer} that the contract tests cannot reach through the seam.
 */
class EpollMultiplexerInternalsTests {

    @Test
    void timeoutsRoundUpToWholeMilliseconds() {
        assertThat(EpollMultiplexer.toMillis(-1)).isEqualTo(-1);
        assertThat(EpollMultiplexer.toMillis(0)).isZero();
        assertThat(EpollMultiplexer.toMillis(1)).isEqualTo(1);
        assertThat(EpollMultiplexer.toMillis(1_000_001)).isEqualTo(2);
        assertThat(EpollMultiplexer.toMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

}
