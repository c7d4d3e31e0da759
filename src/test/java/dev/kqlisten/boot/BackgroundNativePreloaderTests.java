package dev.kqlisten.boot;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;

import dev.kqlisten.KqlistenApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The background preload of the native layer: registered with every {@link SpringApplication},
 * run once per JVM on a daemon thread of its own, and off with Boot's switch.
 */
class BackgroundNativePreloaderTests {

    @Test
    void isRegisteredForEverySpringApplication() {
        assertThat(new SpringApplication(KqlistenApplication.class).getListeners())
            .anyMatch(BackgroundNativePreloader.class::isInstance);
    }

    @Test
    void preloadsOnceOnADaemonThreadOfItsOwn() throws InterruptedException {
        assumeThat(Runtime.getRuntime().availableProcessors()).as("skipped on one CPU").isGreaterThan(1);
        List<Thread> runs = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackgroundNativePreloader preloader = new BackgroundNativePreloader(() -> {
            runs.add(Thread.currentThread());
            running.countDown();
            awaitQuietly(release);
        }, new AtomicBoolean());
        try {
            preloader.onApplicationEvent(null);
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            Thread first = runs.get(0);
            // A second thread would be alive now: it would block on the same latch.
            preloader.onApplicationEvent(null);
            assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn((t) -> t.getName().equals("kqlisten-preload") && t != first && t.isAlive())
                .isEmpty();
        }
        finally {
            release.countDown();
        }
        Thread first = runs.get(0);
        first.join(10_000);
        assertThat(runs).hasSize(1);
        assertThat(first).isNotSameAs(Thread.currentThread());
        assertThat(first.getName()).isEqualTo("kqlisten-preload");
        assertThat(first.isDaemon()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void bootsBackgroundPreinitializerSwitchTurnsItOff() {
        AtomicBoolean started = new AtomicBoolean();
        System.setProperty(BackgroundNativePreloader.IGNORE_PROPERTY, "true");
        try {
            new BackgroundNativePreloader(() -> {
                throw new AssertionError("must not run");
            }, started).onApplicationEvent(null);
        }
        finally {
            System.clearProperty(BackgroundNativePreloader.IGNORE_PROPERTY);
        }
        assertThat(started).isFalse();
    }

}
