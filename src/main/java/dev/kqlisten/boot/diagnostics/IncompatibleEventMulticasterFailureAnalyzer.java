package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link IncompatibleEventMulticasterException}: which bean is in the way, what
 * kqlisten needs from the context's multicaster, and the two ways to resolve it.
 */
class IncompatibleEventMulticasterFailureAnalyzer extends AbstractFailureAnalyzer<IncompatibleEventMulticasterException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, IncompatibleEventMulticasterException cause) {
        String bean = "The application defines its own 'applicationEventMulticaster' bean ("
                + cause.getMulticasterType().getName()
                + ((cause.getDefinedIn() != null) ? ", defined in " + cause.getDefinedIn() : "") + ")";
        String description = bean + (cause.isAsynchronous()
                ? ", a TcpEventMulticaster that invokes listeners through a task executor. "
                : ", which is not a dev.kqlisten.boot.event.TcpEventMulticaster. ")
                + "kqlisten publishes its TCP events through this multicaster and needs listeners invoked one at "
                + "a time on the poller thread, in order, with an exception of one listener hidden from none of "
                + "the others, and needs to know which event types have listeners. kqlisten does not start rather "
                + "than deliver its events with weaker guarantees.";
        String action = "Remove your 'applicationEventMulticaster' bean: kqlisten then registers a "
                + "TcpEventMulticaster, which treats every other event as Spring's SimpleApplicationEventMulticaster "
                + "does. Or make your bean a TcpEventMulticaster (a subclass, or one created with the "
                + "EventListenerFailureCounter bean) without a task executor; an ErrorHandler may be set. "
                + "Or, to run without kqlisten, exclude its auto-configuration with "
                + "'spring.autoconfigure.exclude=dev.kqlisten.boot.KqlistenConfiguration'.";
        return new FailureAnalysis(description, action, cause);
    }

}
