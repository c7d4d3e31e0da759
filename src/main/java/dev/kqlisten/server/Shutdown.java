package dev.kqlisten.server;

/** How {@link KqlistenServer#stop(Shutdown)} treats open connections. */
public enum Shutdown {

    /**
     * Close every listening socket at once and serve the open connections until they close or
     * {@link ServerConfig#shutdownTimeout()} passes; then close the rest.
     */
    GRACEFUL,

    /** Close every connection at once. */
    IMMEDIATE

}
