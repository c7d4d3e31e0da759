package dev.kqlisten;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.actuate.KqlistenActuatorConfiguration;
import dev.kqlisten.boot.metrics.KqlistenMetricsConfiguration;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kqlisten's configuration is auto-configuration, for host applications
 * ({@code com.example.hostapp.HostApplicationIntegrationTests}) and for the kqlisten
 * application itself: every {@code @AutoConfiguration} class is listed in the imports file,
 * and the application's component scan of {@code dev.kqlisten} does not register them a second
 * time (Boot's {@code AutoConfigurationExcludeFilter} leaves listed classes to the
 * auto-configuration). The application's own settings ({@code dev/kqlisten/application.yml})
 * apply to it, below its arguments.
 */
@Timeout(120)
class KqlistenAutoConfigurationIntegrationTests {

    @Test
    void everyAutoConfigurationClassIsListedInTheImportsFile() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(AutoConfiguration.class));
        Set<String> annotated = new TreeSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.kqlisten")) {
            annotated.add(candidate.getBeanClassName());
        }
        List<String> listed = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
            .getCandidates();
        assertThat(annotated).containsExactlyInAnyOrder(KqlistenConfiguration.class.getName(),
                KqlistenMetricsConfiguration.class.getName(), KqlistenActuatorConfiguration.class.getName());
        assertThat(listed).containsAll(annotated);
    }

    @Test
    void theApplicationGetsEachAutoConfigurationOnceAndItsOwnSettings() {
        TestBackend backend = TestBackend.all().get(0);
        try (ConfigurableApplicationContext context = TestApplication.start(backend,
                "--management.endpoints.web.exposure.include=health")) {
            assertThat(context.getBeanNamesForType(KqlistenConfiguration.class))
                .containsExactly(KqlistenConfiguration.class.getName());
            assertThat(context.getBeanNamesForType(KqlistenMetricsConfiguration.class))
                .containsExactly(KqlistenMetricsConfiguration.class.getName());
            assertThat(context.getBeanNamesForType(KqlistenActuatorConfiguration.class))
                .containsExactly(KqlistenActuatorConfiguration.class.getName());
            assertThat(context.getEnvironment().getProperty("spring.application.name")).isEqualTo("kqlisten");
            // The argument wins over dev/kqlisten/application.yml, which exposes more.
            assertThat(context.getEnvironment().getProperty("management.endpoints.web.exposure.include"))
                .isEqualTo("health");
        }
    }

}
