package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kqlisten.nativeio.KQueueAbiMismatchException;

/**
 * Explains a {@link KQueueAbiMismatchException}: which library, which layout (configured or
 * detected), what the start-up check expected and what came back, and which property to set.
 */
class KQueueAbiMismatchFailureAnalyzer extends AbstractFailureAnalyzer<KQueueAbiMismatchException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KQueueAbiMismatchException cause) {
        String layout = cause.layout().propertyValue();
        String description = "The kqueue library " + cause.library() + " does not speak the '" + layout
                + "' struct kevent layout (" + (cause.configured() ? "set by kqlisten.kqueue.layout"
                        : "detected from the operating system")
                + "). kqlisten checks the layout with one kevent call on a scratch kqueue before it binds a port; "
                + "running with a wrong layout would lose changes and events without an error.\n\n"
                + "Expected: " + cause.expected() + ".\n\nGot: " + cause.actual() + ".";
        String action;
        if (!cause.matching().isEmpty()) {
            action = "Set 'kqlisten.kqueue.layout' to " + cause.matchingValues() + ": the library passed the same "
                    + "check with " + ((cause.matching().size() == 1) ? "that layout" : "those layouts") + ".";
        }
        else {
            action = "The library passed the check with no known layout. Set 'kqlisten.kqueue.library' to a "
                    + "supported kqueue: the C library on FreeBSD 12+, macOS, OpenBSD or DragonFly BSD (leave "
                    + "'kqlisten.kqueue.layout' unset there), or libkqueue 2.x on Linux with "
                    + "'kqlisten.kqueue.layout: libkqueue'. Or use 'kqlisten.backend: epoll' on Linux.";
        }
        return new FailureAnalysis(description, action, cause);
    }

}
