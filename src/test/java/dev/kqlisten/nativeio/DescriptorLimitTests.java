package dev.kqlisten.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding {@code struct rlimit} values, and {@code getrlimit(RLIMIT_NOFILE)} against what the
 * kernel reports in {@code /proc/self/limits} (proc(5)).
 */
class DescriptorLimitTests {

    private static final long LINUX_RLIM_INFINITY = -1L;

    private static final long BSD_RLIM_INFINITY = Long.MAX_VALUE;

    @Test
    void rlimInfinityOfEitherFamilyIsUnlimited() {
        assertThat(DescriptorLimit.decode(LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY).isUnlimited())
            .isTrue();
        assertThat(DescriptorLimit.decode(BSD_RLIM_INFINITY, BSD_RLIM_INFINITY, BSD_RLIM_INFINITY).isUnlimited())
            .isTrue();
    }

    @Test
    void finiteValuesAreKept() {
        DescriptorLimit limit = DescriptorLimit.decode(1024, LINUX_RLIM_INFINITY, LINUX_RLIM_INFINITY);
        assertThat(limit.soft()).isEqualTo(1024);
        assertThat(limit.hard()).isEqualTo(DescriptorLimit.UNLIMITED);
        assertThat(limit.isUnlimited()).isFalse();
        assertThat(limit).hasToString("1024 (hard unlimited)");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void getrlimitAgreesWithProcSelfLimits() throws Exception {
        DescriptorLimit limit = Multiplexers.descriptorLimit();
        String[] proc = maxOpenFiles();
        assertThat(limit.soft()).isEqualTo(parse(proc[0]));
        assertThat(limit.hard()).isEqualTo(parse(proc[1]));
    }

    /** Soft and hard limit of the "Max open files" line: {@code Max open files  1024  4096  files}. */
    private static String[] maxOpenFiles() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/self/limits"))
            .stream()
            .filter((l) -> l.startsWith("Max open files"))
            .findFirst()
            .orElseThrow();
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        return new String[] { fields[0], fields[1] };
    }

    private static long parse(String value) {
        return value.equals("unlimited") ? DescriptorLimit.UNLIMITED : Long.parseLong(value);
    }

}
