package dev.kqlisten.boot;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;

import dev.kqlisten.KqlistenApplication;
import dev.kqlisten.framing.Framing;
import dev.kqlisten.poller.AccessSettings;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.HostOs;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.poller.AcceptSpreading;
import dev.kqlisten.server.ServerConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Binding, defaults and bind-time validation of {@link KqlistenProperties}. Validation failures
 * must name the property (kebab-case, with the list index) so that Boot's failure report points
 * at the line to fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class KqlistenPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsDescribeOneListenerOnPort1815() {
        this.runner.run((context) -> {
            KqlistenProperties properties = context.getBean(KqlistenProperties.class);
            assertThat(properties.getBackend()).isEqualTo(Backend.AUTO);
            assertThat(properties.getMaxEvents()).isEqualTo(1024);
            assertThat(properties.getLogging().isEnabled()).isTrue();
            assertThat(properties.getKqueue().getLibrary()).isNull();
            assertThat(properties.getKqueue().getLayout()).isNull();
            assertThat(properties.getListeners()).singleElement().satisfies((listener) -> {
                assertThat(listener.getName()).isEqualTo("default");
                assertThat(listener.getAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
                assertThat(listener.getPort()).isEqualTo(1815);
                assertThat(listener.getBacklog()).isZero();
                assertThat(listener.isReuseAddress()).isTrue();
                assertThat(listener.isReusePort()).isFalse();
                assertThat(listener.isIpv6Only()).isFalse();
                assertThat(listener.getReadBufferSize()).isEqualTo(DataSize.ofKilobytes(256));
            });
        });
    }

    // The documented meaning of backlog 0 ("the OS maximum") is implemented by ListenSpec.
    @Test
    void defaultBacklogAsksListenForTheOsMaximum() {
        KqlistenProperties.Listener listener = new KqlistenProperties().getListeners().get(0);
        assertThat(listener.toListenSpec().effectiveBacklog()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void defaultsReachTheTransportAndListenSpec() {
        KqlistenProperties properties = new KqlistenProperties();
        KqlistenProperties.Listener listener = properties.getListeners().get(0);
        assertThat(properties.toTransportOptions(listener).readBufferSize()).isEqualTo(256 * 1024);
        assertThat(properties.toTransportOptions(listener).maxEvents()).isEqualTo(1024);
        assertThat(listener.toListenSpec().reuseAddress()).isTrue();
        assertThat(listener.toListenSpec().ipv6Only()).isFalse();
    }

    @Test
    void configuredListReplacesTheDefaultListener() {
        this.runner
            .withPropertyValues("kqlisten.listeners[0].name=alpha", "kqlisten.listeners[0].port=0",
                    "kqlisten.listeners[1].name=beta", "kqlisten.listeners[1].address=::1",
                    "kqlisten.listeners[1].read-buffer-size=1MB", "kqlisten.listeners[1].ipv6-only=true")
            .run((context) -> {
                List<KqlistenProperties.Listener> listeners = context.getBean(KqlistenProperties.class)
                    .getListeners();
                assertThat(listeners).extracting(KqlistenProperties.Listener::getName).containsExactly("alpha", "beta");
                assertThat(listeners.get(0).getPort()).isZero();
                assertThat(listeners.get(1).getPort()).isEqualTo(1815);
                assertThat(listeners.get(1).getAddress()).isEqualTo(InetAddress.getByName("::1"));
                assertThat(listeners.get(1).getReadBufferSize()).isEqualTo(DataSize.ofMegabytes(1));
                assertThat(listeners.get(1).isIpv6Only()).isTrue();
            });
    }

    @Test
    void aListenerHasOnePollerByDefaultAndPollersBind() {
        this.runner.run((context) -> {
            KqlistenProperties.Listener listener = context.getBean(KqlistenProperties.class).getListeners().get(0);
            assertThat(listener.getPollers()).isEqualTo(1);
            assertThat(listener.getAcceptSpreading()).isEqualTo(AcceptSpreading.AUTO);
        });
        this.runner
            .withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].pollers=4",
                    "kqlisten.listeners[0].accept-spreading=handoff")
            .run((context) -> {
                ServerConfig.Listener listener = KqlistenConfiguration
                    .serverConfig(context.getBean(KqlistenProperties.class)).listeners().get(0);
                assertThat(listener.pollers()).isEqualTo(4);
                assertThat(listener.spreading()).isEqualTo(AcceptSpreading.HANDOFF);
            });
    }

    @Test
    void backendAndKqueueSettingsBind() {
        this.runner
            .withPropertyValues("kqlisten.backend=kqueue", "kqlisten.kqueue.library=libkqueue.so.0",
                    "kqlisten.kqueue.layout=freebsd", "kqlisten.max-events=64")
            .run((context) -> {
                KqlistenProperties properties = context.getBean(KqlistenProperties.class);
                assertThat(properties.getBackend()).isEqualTo(Backend.KQUEUE);
                assertThat(properties.getKqueue().getLibrary()).isEqualTo("libkqueue.so.0");
                assertThat(properties.getKqueue().getLayout()).isEqualTo(KQueueAbi.FREEBSD);
                assertThat(properties.getMaxEvents()).isEqualTo(64);
            });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            kqlisten.max-events                     | 0          | kqlisten.max-events                     | must be between 1 and 65536
            kqlisten.max-events                     | 65537      | kqlisten.max-events                     | must be between 1 and 65536
            kqlisten.listeners[0].port              | 65536      | kqlisten.listeners[0].port              | must be between 0 and 65535
            kqlisten.listeners[0].port              | -1         | kqlisten.listeners[0].port              | must be between 0 and 65535
            kqlisten.listeners[0].name              | Bad_Name   | kqlisten.listeners[0].name              | must contain only lowercase letters, digits and '-'
            kqlisten.listeners[0].backlog           | -1         | kqlisten.listeners[0].backlog           | must be 0 (OS maximum) or positive
            kqlisten.shutdown-timeout               | -1s        | kqlisten.shutdown-timeout               | must not be negative
            kqlisten.reserved-descriptors           | -1         | kqlisten.reserved-descriptors           | must not be negative (0 lets kqlisten's connections take every descriptor)
            kqlisten.health.stall-threshold         | 0s         | kqlisten.health.stall-threshold         | must be positive
            kqlisten.listeners[0].read-buffer-size  | 0B         | kqlisten.listeners[0].read-buffer-size  | must be between 1B and 16MB
            kqlisten.listeners[0].read-buffer-size  | 17MB       | kqlisten.listeners[0].read-buffer-size  | must be between 1B and 16MB
            kqlisten.dispatch.threads               | 0          | kqlisten.dispatch.threads               | must be between 1 and 1024
            kqlisten.listeners[0].pollers           | 0          | kqlisten.listeners[0].pollers           | must be between 1 and 64
            kqlisten.listeners[0].pollers           | 65         | kqlisten.listeners[0].pollers           | must be between 1 and 64
            kqlisten.listeners[0].max-frame-length | 0B  | kqlisten.listeners[0].max-frame-length | must be between 1B and 16MB
            kqlisten.listeners[0].max-frame-length | 17MB | kqlisten.listeners[0].max-frame-length | must be between 1B and 16MB
            kqlisten.listeners[0].length-field-bytes | 3 | kqlisten.listeners[0].length-field-bytes | must be 1, 2, 4 or 8
            kqlisten.listeners[0].frame-delimiter | 256        | kqlisten.listeners[0].frame-delimiter | must be a byte value between 0 and 255
            kqlisten.listeners[0].write-queue-limit | 0B        | kqlisten.listeners[0].write-queue-limit | must be between 1B and 256MB
            kqlisten.listeners[0].write-queue-limit | 257MB     | kqlisten.listeners[0].write-queue-limit | must be between 1B and 256MB
            kqlisten.listeners[0].write-queue-limit | 32KB      | kqlisten.listeners[0].write-high-water-mark | must be between 0B and write-queue-limit (32768B)
            kqlisten.listeners[0].write-low-water-mark | 65KB   | kqlisten.listeners[0].write-low-water-mark | must be between 0B and write-high-water-mark (65536B)
            kqlisten.dispatch.max-bytes-in-flight-per-connection | 0B | kqlisten.dispatch.max-bytes-in-flight-per-connection | must be at least 1B
            kqlisten.dispatch.max-bytes-in-flight   | 512KB      | kqlisten.dispatch.max-bytes-in-flight   | must be at least kqlisten.dispatch.max-bytes-in-flight-per-connection
            """)
    void badValueFailsNamingTheProperty(String property, String value, String reportedProperty, String message) {
        String name = property.endsWith(".name") ? "kqlisten.listeners[0].port=0" : "kqlisten.listeners[0].name=x";
        assertValidationError(reportedProperty, message, property + "=" + value, name);
    }

    @Test
    void thePROXYProtocolNeedsTrustedProxiesAndCidrsMustParse() {
        assertValidationError("kqlisten.listeners[0].trusted-proxies",
                "must list the proxies (CIDR blocks or addresses) whose PROXY header is believed when "
                        + "proxy-protocol is required",
                "kqlisten.listeners[0].proxy-protocol=required", "kqlisten.listeners[0].name=x");
        assertValidationError("kqlisten.listeners[0].allowed-sources",
                "Entry [1]: '10.0.0.0/40' is not a CIDR block: the prefix length must be a decimal number from 0 to 32",
                "kqlisten.listeners[0].allowed-sources=192.168.0.0/16,10.0.0.0/40", "kqlisten.listeners[0].name=x");
        assertValidationError("kqlisten.listeners[0].proxy-header-timeout", "must be positive",
                "kqlisten.listeners[0].proxy-protocol=optional", "kqlisten.listeners[0].trusted-proxies=10.0.0.1",
                "kqlisten.listeners[0].proxy-header-timeout=0s", "kqlisten.listeners[0].name=x");
        this.runner
            .withPropertyValues("kqlisten.listeners[0].name=x", "kqlisten.listeners[0].proxy-protocol=optional",
                    "kqlisten.listeners[0].trusted-proxies=10.0.0.0/8,::1",
                    "kqlisten.listeners[0].allowed-sources=192.0.2.0/24")
            .run((context) -> {
                AccessSettings access = context.getBean(KqlistenProperties.class).getListeners().get(0)
                    .toAccessSettings();
                assertThat(access.proxyProtocol()).isEqualTo(AccessSettings.ProxyProtocol.OPTIONAL);
                assertThat(access.trustedProxies().blocks()).hasSize(2);
                assertThat(access.allowedSources().blocks()).hasSize(1);
                assertThat(access.proxyHeaderTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
            });
    }

    @Test
    void framingIsRawByDefaultAndBindsPerListener() {
        this.runner.run((context) -> {
            KqlistenProperties.Listener listener = context.getBean(KqlistenProperties.class).getListeners().get(0);
            assertThat(listener.toFraming()).isEqualTo(new Framing(Framing.Mode.RAW, 8192, (byte) 0, 4,
                    false, false));
            assertThat(listener.toFraming().isFramed()).isFalse();
        });
        this.runner
            .withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].framing=length-prefixed",
                    "kqlisten.listeners[0].max-frame-length=1MB",
                    "kqlisten.listeners[0].length-field-bytes=2",
                    "kqlisten.listeners[0].length-includes-header=true",
                    "kqlisten.listeners[1].name=b", "kqlisten.listeners[1].port=7002",
                    "kqlisten.listeners[1].framing=octet-counting",
                    "kqlisten.listeners[1].lines-fallback=true", "kqlisten.listeners[1].frame-delimiter=30")
            .run((context) -> {
                List<KqlistenProperties.Listener> listeners = context.getBean(KqlistenProperties.class)
                    .getListeners();
                assertThat(listeners.get(0).toFraming()).isEqualTo(
                        new Framing(Framing.Mode.LENGTH_PREFIXED, 1 << 20, (byte) 0, 2, true, false));
                assertThat(listeners.get(1).toFraming()).isEqualTo(
                        new Framing(Framing.Mode.OCTET_COUNTING, 8192, (byte) 30, 4, false, true));
            });
    }

    @Test
    void reservedDescriptorsDefaultTo64AndBind() {
        this.runner.run((context) -> assertThat(context.getBean(KqlistenProperties.class).getReservedDescriptors())
            .isEqualTo(64));
        this.runner.withPropertyValues("kqlisten.reserved-descriptors=0")
            .run((context) -> assertThat(context.getBean(KqlistenProperties.class).getReservedDescriptors()).isZero());
    }

    @Test
    void dispatchDefaultsToThePollerThreadWithBoundsForExecutorMode() {
        this.runner.run((context) -> {
            KqlistenProperties.Dispatch dispatch = context.getBean(KqlistenProperties.class).getDispatch();
            assertThat(dispatch.getMode()).isEqualTo(KqlistenProperties.Dispatch.Mode.POLLER);
            assertThat(dispatch.getThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(dispatch.getMaxBytesInFlightPerConnection()).isEqualTo(DataSize.ofMegabytes(1));
            assertThat(dispatch.getMaxBytesInFlight()).isEqualTo(DataSize.ofMegabytes(64));
        });
    }

    @Test
    void dispatchSettingsBind() {
        this.runner
            .withPropertyValues("kqlisten.dispatch.mode=executor", "kqlisten.dispatch.threads=3",
                    "kqlisten.dispatch.max-bytes-in-flight-per-connection=256KB",
                    "kqlisten.dispatch.max-bytes-in-flight=8MB")
            .run((context) -> {
                KqlistenProperties.Dispatch dispatch = context.getBean(KqlistenProperties.class).getDispatch();
                assertThat(dispatch.getMode()).isEqualTo(KqlistenProperties.Dispatch.Mode.EXECUTOR);
                assertThat(dispatch.getThreads()).isEqualTo(3);
                assertThat(dispatch.getMaxBytesInFlightPerConnection()).isEqualTo(DataSize.ofKilobytes(256));
                assertThat(dispatch.getMaxBytesInFlight()).isEqualTo(DataSize.ofMegabytes(8));
            });
    }

    // The per-connection bound holds to within one read; smaller than a read it could not.
    @Test
    void executorModeNeedsRoomForOneReadPerConnection() {
        assertValidationError("kqlisten.dispatch.max-bytes-in-flight-per-connection",
                "must be at least kqlisten.listeners[1].read-buffer-size (131072B) when kqlisten.dispatch.mode is "
                        + "executor",
                "kqlisten.dispatch.mode=executor", "kqlisten.dispatch.max-bytes-in-flight-per-connection=64KB",
                "kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=7001",
                "kqlisten.listeners[0].read-buffer-size=64KB", "kqlisten.listeners[1].name=b",
                "kqlisten.listeners[1].port=7002", "kqlisten.listeners[1].read-buffer-size=128KB");
    }

    @Test
    void pollerModeIgnoresTheReadBufferAgainstTheBound() {
        this.runner
            .withPropertyValues("kqlisten.dispatch.max-bytes-in-flight-per-connection=1KB",
                    "kqlisten.listeners[0].name=a", "kqlisten.listeners[0].read-buffer-size=64KB")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void listenerWithoutNameFails() {
        assertValidationError("kqlisten.listeners[0].name", "must not be null", "kqlisten.listeners[0].port=0");
    }

    @Test
    void duplicateNameFailsNamingTheSecondListener() {
        assertValidationError("kqlisten.listeners[1].name",
                "must be unique but is also the name of kqlisten.listeners[0]", "kqlisten.listeners[0].name=a",
                "kqlisten.listeners[0].port=7001", "kqlisten.listeners[1].name=a", "kqlisten.listeners[1].port=7002");
    }

    @Test
    void sameAddressAndPortFailsNamingTheSecondListener() {
        assertValidationError("kqlisten.listeners[1].port",
                "must differ from kqlisten.listeners[0], which listens on the same address and port",
                "kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=7001", "kqlisten.listeners[1].name=b",
                "kqlisten.listeners[1].port=7001");
    }

    // Port 0 is a fresh ephemeral port per socket, so two listeners may both ask for it.
    @Test
    void twoEphemeralListenersOnOneAddressAreAllowed() {
        this.runner
            .withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=0",
                    "kqlisten.listeners[1].name=b", "kqlisten.listeners[1].port=0")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void stallThresholdDefaultsToTenSecondsAndBinds() {
        assertThat(new KqlistenProperties().getHealth().getStallThreshold()).isEqualTo(Duration.ofSeconds(10));
        this.runner.withPropertyValues("kqlisten.health.stall-threshold=250ms")
            .run((context) -> assertThat(context.getBean(KqlistenProperties.class).getHealth().getStallThreshold())
                .isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void kqueueOnLinuxRequiresLibraryAndLayout() {
        KqlistenProperties properties = new KqlistenProperties();
        properties.setBackend(Backend.KQUEUE);
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(properties, "kqlisten");
        properties.validate(errors, HostOs.LINUX);
        assertThat(errors.getFieldErrors()).extracting(FieldError::getField)
            .containsExactly("kqueue.library", "kqueue.layout");
    }

    @Test
    void kqueueOnABsdNeedsNoLibrary() {
        KqlistenProperties properties = new KqlistenProperties();
        properties.setBackend(Backend.KQUEUE);
        BeanPropertyBindingResult errors = new BeanPropertyBindingResult(properties, "kqlisten");
        properties.validate(errors, HostOs.FREEBSD);
        assertThat(errors.hasErrors()).isFalse();
    }

    // Boot's BindValidationFailureAnalyzer already explains invalid configuration; this checks,
    // through a real application start, that its report names our property and reason.
    @Test
    void failureReportOfTheApplicationNamesTheInvalidProperty(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(KqlistenApplication.class)
            .web(WebApplicationType.NONE)
            .properties("kqlisten.listeners[0].name=t", "kqlisten.listeners[0].port=70000");
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("Property: kqlisten.listeners[0].port")
            .contains("Value: \"70000\"")
            .contains("Reason: must be between 0 and 65535");
    }

    /** A typo must not silently leave a protection at its default (issue 9): start-up fails naming the key and the fix. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            kqlisten.listeners[0].prot=1              | kqlisten.listeners[0].prot          | kqlisten.listeners[0].port
            kqlisten.listeners[0].idle-timout=5s      | kqlisten.listeners[0].idle-timout   | kqlisten.listeners[0].idle-timeout
            kqlisten.logging.enable=false             | kqlisten.logging.enable             | kqlisten.logging.enabled
            kqlisten.max-event=10                     | kqlisten.max-event                  | kqlisten.max-events
            kqlisten.kqueue.layot=libkqueue           | kqlisten.kqueue.layot               | kqlisten.kqueue.layout
            kqlisten.listeners[0].max-frame-lenght=1KB | kqlisten.listeners[0].max-frame-lenght | kqlisten.listeners[0].max-frame-length
            kqlisten.listeners[0].framin=lines        | kqlisten.listeners[0].framin        | kqlisten.listeners[0].framing
            kqlisten.listeners[0].framing.mode=lines  | kqlisten.listeners[0].framing.mode  | kqlisten.listeners[0].framing
            """)
    void unknownKeyFailsStartUpNamingTheClosestValidKey(String setting, String unknown, String closest,
            CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(KqlistenApplication.class)
            .web(WebApplicationType.NONE)
            .properties("kqlisten.listeners[0].name=t", "kqlisten.listeners[0].port=0", setting);
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("kqlisten does not know this property")
            .contains("    " + unknown + " (from ")
            .contains("Replace '" + unknown + "' with '" + closest + "'.");
    }

    @Test
    void unknownKeyFarFromAnyValidOneListsTheValidKeysThere(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(KqlistenApplication.class)
            .web(WebApplicationType.NONE)
            .properties("kqlisten.listeners[0].name=t", "kqlisten.listeners[0].port=0",
                    "kqlisten.dispatch.xyzzy-plugh=1");
        assertThatException().isThrownBy(application::run);
        assertThat(output).contains("Remove 'kqlisten.dispatch.xyzzy-plugh'; valid keys there are "
                + "kqlisten.dispatch.max-bytes-in-flight, kqlisten.dispatch.max-bytes-in-flight-per-connection, "
                + "kqlisten.dispatch.mode, kqlisten.dispatch.threads.");
    }

    @Test
    void everyDocumentedKeyStillBinds() {
        this.runner
            .withPropertyValues("kqlisten.backend=auto", "kqlisten.max-events=8", "kqlisten.shutdown-timeout=1s",
                    "kqlisten.logging.enabled=false", "kqlisten.health.stall-threshold=1s",
                    "kqlisten.dispatch.mode=poller", "kqlisten.dispatch.threads=2",
                    "kqlisten.dispatch.max-bytes-in-flight-per-connection=1MB",
                    "kqlisten.dispatch.max-bytes-in-flight=64MB", "kqlisten.listeners[0].name=a",
                    "kqlisten.listeners[0].address=127.0.0.1", "kqlisten.listeners[0].port=0",
                    "kqlisten.listeners[0].backlog=0", "kqlisten.listeners[0].reuse-address=true",
                    "kqlisten.listeners[0].reuse-port=false", "kqlisten.listeners[0].ipv6-only=false",
                    "kqlisten.listeners[0].read-buffer-size=64KB", "kqlisten.listeners[0].max-connections=0",
                    "kqlisten.listeners[0].max-connections-per-address=0", "kqlisten.listeners[0].idle-timeout=0s")
            .run((context) -> assertThat(context).hasNotFailed());
    }

    private void assertValidationError(String property, String message, String... properties) {
        this.runner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BindValidationException.class);
            BindValidationException failure = (BindValidationException) context.getStartupFailure().getCause()
                .getCause();
            assertThat(failure.getValidationErrors().getAllErrors()).singleElement()
                .isInstanceOfSatisfying(FieldError.class, (error) -> {
                    assertThat(failure.getValidationErrors().getName() + "." + error.getField()).isEqualTo(property);
                    assertThat(error.getDefaultMessage()).isEqualTo(message);
                });
        });
    }

    @EnableConfigurationProperties(KqlistenProperties.class)
    static class PropertiesOnly {

    }

}
