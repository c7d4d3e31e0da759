package dev.kqlisten.boot.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;

/**
 * The context's {@code applicationEventMulticaster}: Spring's
 * {@link SimpleApplicationEventMulticaster}, except that a listener throwing on a
 * {@link TcpEvent} is logged (warn, with the stack trace at debug) and counted, and the event
 * still reaches the remaining listeners in order. Without this, the first throwing listener
 * would hide the event from the rest and unwind into the poller.
 * <p>
 * Other events keep Spring's behaviour, so a failing listener of a Boot lifecycle event still
 * fails the application. Errors (OutOfMemoryError, ...) are never swallowed.
 */
public class TcpEventMulticaster extends SimpleApplicationEventMulticaster {

    private static final Logger logger = LoggerFactory.getLogger(TcpEventMulticaster.class);

    private final EventListenerFailureCounter failures;

    /** As a bean, the multicaster receives its bean factory through {@code BeanFactoryAware}. */
    public TcpEventMulticaster(EventListenerFailureCounter failures) {
        this.failures = failures;
    }

    @Override
    protected void invokeListener(ApplicationListener<?> listener, ApplicationEvent event) {
        if (!(event instanceof TcpEvent)) {
            super.invokeListener(listener, event);
            return;
        }
        try {
            super.invokeListener(listener, event);
        }
        catch (RuntimeException ex) {
            this.failures.increment();
            logger.warn("Listener {} failed on {} of listener '{}': {}", listener, event.getClass().getSimpleName(),
                    ((TcpEvent) event).getListenerName(), ex.toString());
            logger.debug("Stack trace of the failed listener", ex);
        }
    }

}
