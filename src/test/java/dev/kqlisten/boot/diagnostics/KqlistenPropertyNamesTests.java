package dev.kqlisten.boot.diagnostics;

import org.junit.jupiter.api.Test;

import dev.kqlisten.boot.KqlistenProperties;

import static org.assertj.core.api.Assertions.assertThat;

class KqlistenPropertyNamesTests {

    private final KqlistenPropertyNames names = new KqlistenPropertyNames("kqlisten", KqlistenProperties.class);

    @Test
    void namesAreReadFromTheBoundClassesInKebabCase() {
        assertThat(this.names.all()).contains("kqlisten.backend", "kqlisten.max-events", "kqlisten.kqueue.layout",
                "kqlisten.logging.enabled", "kqlisten.health.stall-threshold",
                "kqlisten.dispatch.max-bytes-in-flight-per-connection", "kqlisten.listeners[*].port",
                "kqlisten.listeners[*].idle-timeout", "kqlisten.listeners[*].read-buffer-size")
            .doesNotContain("kqlisten.listeners", "kqlisten.kqueue", "kqlisten.class");
    }

    @Test
    void theClosestSiblingKeepsTheGivenIndex() {
        assertThat(this.names.closest("kqlisten.listeners[3].prot")).isEqualTo("kqlisten.listeners[3].port");
        assertThat(this.names.closest("kqlisten.listeners[0].adress")).isEqualTo("kqlisten.listeners[0].address");
        assertThat(this.names.closest("kqlisten.maxevents")).isEqualTo("kqlisten.max-events");
    }

    @Test
    void nothingCloseMeansNoSuggestion() {
        assertThat(this.names.closest("kqlisten.listeners[0].xyzzy")).isNull();
        assertThat(this.names.closest("kqlisten.nowhere.port")).isNull();
    }

    @Test
    void editDistance() {
        assertThat(KqlistenPropertyNames.distance("prot", "port")).isEqualTo(2);
        assertThat(KqlistenPropertyNames.distance("", "abc")).isEqualTo(3);
        assertThat(KqlistenPropertyNames.distance("same", "same")).isZero();
    }

}
