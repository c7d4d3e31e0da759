package dev.kqlisten.boot.diagnostics;

import java.util.Locale;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kqlisten.nativeio.NativeTransportUnavailableException;

/**
 * Explains a {@link NativeTransportUnavailableException}: what was detected, why the backend
 * cannot run, what is supported, and the properties that choose the backend.
 */
class NativeTransportUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<NativeTransportUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NativeTransportUnavailableException cause) {
        String description = "The kqlisten native transport is not available on " + cause.os() + " ("
                + cause.arch() + ") with backend " + cause.backend().name().toLowerCase(Locale.ROOT) + ": "
                + withoutFinalPeriod(cause.getMessage()) + ".\n\nSupported: " + NativeTransportUnavailableException.SUPPORTED
                + ".";
        String action = "Run on a supported platform, or change 'kqlisten.backend' (auto, kqueue or epoll). For kqueue "
                + "on Linux, set 'kqlisten.kqueue.library' to a kqueue-compatible library and "
                + "'kqlisten.kqueue.layout' to its ABI (libkqueue for libkqueue; freebsd, darwin, openbsd or "
                + "dragonfly for a library built with that OS's struct kevent).";
        return new FailureAnalysis(description, action, cause);
    }

    private static String withoutFinalPeriod(String message) {
        return (message != null && message.endsWith(".")) ? message.substring(0, message.length() - 1)
                : String.valueOf(message);
    }

}
