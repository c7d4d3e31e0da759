package dev.kqlisten.nativeio.linux;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The id ↔ fd index behind SO_ERROR lookups: backward-shift deletion and rehashing are easy to
 * get subtly wrong, so a randomized run is checked against a HashMap.
 */
class EpollRegistrationsTests {

    @Test
    void putLookupAndRemove() {
        EpollRegistrations registrations = new EpollRegistrations();
        registrations.put(5, 500);
        registrations.put(200, 7);
        assertThat(registrations.fdOf(500)).isEqualTo(5);
        assertThat(registrations.idOf(200)).isEqualTo(7);
        registrations.removeFd(5);
        assertThat(registrations.fdOf(500)).isEqualTo(-1);
        assertThat(registrations.idOf(5)).isEqualTo(EpollRegistrations.NO_ID);
        assertThat(registrations.size()).isEqualTo(1);
    }

    @Test
    void reRegisteringAnFdReplacesItsOldId() {
        EpollRegistrations registrations = new EpollRegistrations();
        registrations.put(3, 1);
        registrations.put(3, 2);
        assertThat(registrations.fdOf(1)).isEqualTo(-1);
        assertThat(registrations.fdOf(2)).isEqualTo(3);
        assertThat(registrations.size()).isEqualTo(1);
    }

    @Test
    void agreesWithAHashMapUnderRandomChurn() {
        EpollRegistrations registrations = new EpollRegistrations();
        Map<Long, Integer> expected = new HashMap<>();
        Map<Integer, Long> byFd = new HashMap<>();
        Random random = new Random(42);
        long nextId = 0;
        for (int step = 0; step < 20_000; step++) {
            int fd = random.nextInt(500);
            if (random.nextBoolean()) {
                Long old = byFd.remove(fd);
                if (old != null) {
                    expected.remove(old);
                }
                long id = nextId++;
                registrations.put(fd, id);
                expected.put(id, fd);
                byFd.put(fd, id);
            }
            else {
                registrations.removeFd(fd);
                Long old = byFd.remove(fd);
                if (old != null) {
                    expected.remove(old);
                }
            }
        }
        assertThat(registrations.size()).isEqualTo(expected.size());
        expected.forEach((id, fd) -> assertThat(registrations.fdOf(id)).isEqualTo(fd));
        for (long id = 0; id < nextId; id++) {
            if (!expected.containsKey(id)) {
                assertThat(registrations.fdOf(id)).isEqualTo(-1);
            }
        }
    }

    @Test
    void timeoutsRoundUpToWholeMilliseconds() {
        assertThat(EpollMultiplexer.toMillis(-1)).isEqualTo(-1);
        assertThat(EpollMultiplexer.toMillis(0)).isZero();
        assertThat(EpollMultiplexer.toMillis(1)).isEqualTo(1);
        assertThat(EpollMultiplexer.toMillis(1_000_001)).isEqualTo(2);
        assertThat(EpollMultiplexer.toMillis(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

}
