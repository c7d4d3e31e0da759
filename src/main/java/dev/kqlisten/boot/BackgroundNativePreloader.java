package dev.kqlisten.boot;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

import dev.kqlisten.nativeio.Multiplexers;

/**
 * Loads JNA and binds the C library ({@link Multiplexers#preload()}) on a background thread as
 * soon as the environment is prepared, so that this work (measured in BENCHMARKS.md, start-up)
 * runs alongside the context refresh instead of delaying the first listener's bind at the end of
 * it. The same idea as Boot's own background pre-initializer, and switched off by the same
 * system property, {@code spring.backgroundpreinitializer.ignore=true}. Like Boot's, it does
 * nothing on a single CPU, where it could only compete with the main thread.
 * <p>
 * It also lets the training run of a class archive ({@code -Dspring.context.exit=onRefresh},
 * which ends before any listener starts) load these classes, so the archive covers them. Once per
 * JVM; it opens no descriptor, and a failure is left for the first real open to report.
 */
public class BackgroundNativePreloader implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    /** Boot's switch for its background pre-initialization; honoured here too. */
    static final String IGNORE_PROPERTY = "spring.backgroundpreinitializer.ignore";

    private static final AtomicBoolean preloaded = new AtomicBoolean();

    private final Runnable preload;

    private final AtomicBoolean started;

    public BackgroundNativePreloader() {
        this(Multiplexers::preload, preloaded);
    }

    BackgroundNativePreloader(Runnable preload, AtomicBoolean started) {
        this.preload = preload;
        this.started = started;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (Boolean.getBoolean(IGNORE_PROPERTY) || Runtime.getRuntime().availableProcessors() < 2
                || !this.started.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(this.preload, "kqlisten-preload");
        thread.setDaemon(true);
        thread.start();
    }

}
