package dev.kqlisten.nativeio;

/**
 * What {@link Multiplexers#open(TransportOptions)} builds.
 *
 * @param backend the requested backend
 * @param kqueueLibrary name or path of the library that exports {@code kqueue} and
 * {@code kevent}; {@code null} means the C library on a BSD. Required for kqueue on Linux.
 * @param kqueueAbi the ABI of that library; {@code null} means the host OS's. Required for
 * kqueue on Linux.
 * @param maxEvents the most events collected per wait
 * @param readBufferSize the size of the native read buffer, in bytes
 */
public record TransportOptions(Backend backend, String kqueueLibrary, KQueueAbi kqueueAbi, int maxEvents,
        int readBufferSize) {

    public TransportOptions {
        if (backend == null) {
            backend = Backend.AUTO;
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1, was " + maxEvents);
        }
        if (readBufferSize < 1) {
            throw new IllegalArgumentException("readBufferSize must be at least 1, was " + readBufferSize);
        }
    }

}
