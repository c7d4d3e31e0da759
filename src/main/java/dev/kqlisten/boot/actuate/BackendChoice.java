package dev.kqlisten.boot.actuate;

import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.HostOs;
import dev.kqlisten.nativeio.HostPlatform;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;

/**
 * Explains, for health details, which backend {@code kqlisten.backend} selects on this host and
 * why the other native backend is not used.
 */
final class BackendChoice {

    private BackendChoice() {
    }

    static String explain(Backend configured, HostPlatform host) {
        Backend resolved = Multiplexers.resolve(configured, host);
        String chosen = (configured == null || configured == Backend.AUTO) ? "kqlisten.backend=auto chose " : "kqlisten.backend=";
        if (resolved == Backend.EPOLL) {
            return chosen + "epoll; kqueue is not available: " + ((host.os() == HostOs.LINUX)
                    ? "Linux has no native kqueue" : "not selected");
        }
        if (host.os() == HostOs.LINUX) {
            return chosen + "kqueue through a kqueue-compatible library (kqlisten.kqueue.library), since Linux has "
                    + "no native kqueue";
        }
        return chosen + "kqueue, native on " + host.os().displayName() + "; epoll is not available: it is Linux-only";
    }

    static String explain(Backend configured) {
        try {
            return explain(configured, HostPlatform.current());
        }
        catch (NativeTransportUnavailableException ex) {
            return ex.getMessage();
        }
    }

}
