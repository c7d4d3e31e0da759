package dev.kqlisten.connection;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The primitive-keyed table behind id lookups in the loop: growth and backward-shift deletion
 * are where such tables break, so they are checked against a {@link HashMap} model.
 */
class ConnectionRegistryTests {

    @Test
    void agreesWithAHashMapThroughGrowthAndRandomRemovals() {
        ConnectionRegistry registry = new ConnectionRegistry(4);
        Map<Long, Connection> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(1815);
        for (int step = 0; step < 200_000; step++) {
            long id = 1 + random.nextInt(5_000);
            if (random.nextInt(3) == 0) {
                assertThat(registry.remove(id)).isSameAs(model.remove(id));
            }
            else if (!model.containsKey(id)) {
                Connection c = connection(id);
                registry.put(c);
                model.put(id, c);
            }
            if (step % 997 == 0) {
                assertThat(registry.size()).isEqualTo(model.size());
                model.forEach((k, v) -> assertThat(registry.get(k)).isSameAs(v));
            }
        }
        assertThat(registry.toArray()).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void idZeroIsReserved() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionRegistry(1).put(connection(0)));
    }

    @Test
    void removingAnAbsentIdReturnsNull() {
        ConnectionRegistry registry = new ConnectionRegistry(1);
        registry.put(connection(7));
        assertThat(registry.remove(8)).isNull();
        assertThat(registry.get(7)).isNotNull();
    }

    private static Connection connection(long id) {
        return new Connection(new ConnectionInfo(id, "t", null, null, null), (int) id, 0);
    }

}
