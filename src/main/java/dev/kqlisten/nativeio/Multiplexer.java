package dev.kqlisten.nativeio;

/**
 * One kernel readiness queue (a kqueue or an epoll instance): the part of the seam that
 * registers descriptors and waits for them.
 * <p>
 * Registrations are <em>level-triggered</em> and keyed by a caller-chosen {@code id} (kqueue
 * {@code udata}, epoll {@code data.u64}), never by fd, so an event that arrives for a closed
 * descriptor whose number was reused cannot be mistaken for the new one.
 * <p>
 * Threading: every method except {@link #wakeup()} belongs to the one poller thread that
 * owns the instance. {@link #wakeup()} may be called from any thread.
 */
public interface Multiplexer extends AutoCloseable {

    /** Which API this is: {@code "kqueue"} or {@code "epoll"}. */
    String backend();

    /**
     * Asks for readability events of {@code fd}, reported with {@code id}. kqueue queues the
     * change and submits it with the next {@link #await}; epoll applies it at once. A failure
     * is reported later as an {@link ReadyEvents#ERROR} event for {@code id} where the backend
     * batches changes, or thrown here where it does not.
     *
     * @param id a non-negative id; negative values are reserved for the backend's own wake-up
     * @throws IllegalArgumentException if {@code id} is negative
     */
    void register(int fd, long id) throws NativeIoException;

    /**
     * Stops or resumes readability reporting for a registered {@code fd} without removing it
     * (kqueue {@code EV_DISABLE}/{@code EV_ENABLE}, epoll {@code EPOLL_CTL_MOD}).
     */
    void setReadable(int fd, long id, boolean enabled) throws NativeIoException;

    /**
     * Starts or stops writability events ({@link ReadyEvents#WRITABLE}) for a registered
     * {@code fd}, reported with {@code id}. Level-triggered like reads: while enabled, every wait
     * reports the socket as long as its send buffer has room, so the caller enables it only while
     * bytes are queued and disables it once they are written. Read interest is not touched.
     * kqueue queues an {@code EVFILT_WRITE} change like {@link #register} (its failure comes back
     * as an {@link ReadyEvents#ERROR} event for {@code id}) and reports the write filter as an
     * entry of its own; epoll changes the one registration with {@code EPOLL_CTL_MOD} at once, and
     * reports both directions in one entry. Enabling or disabling twice is harmless.
     */
    void setWritable(int fd, long id, boolean enabled) throws NativeIoException;

    /**
     * Must be called just before {@code fd} is closed: drops changes still queued for it, so a
     * queued registration cannot reach a reused descriptor number. Kernels drop the registration
     * themselves when the descriptor is closed; where a kqueue library does not (libkqueue), the
     * registration is removed here, so the next descriptor with the same number can register.
     */
    void forget(int fd);

    /**
     * Submits queued changes, then waits until at least one registration is ready, the
     * timeout passes, or {@link #wakeup()} is called. EINTR is retried internally.
     *
     * @param events filled from index 0 with the ready registrations (wake-ups are consumed
     * internally and not reported)
     * @param timeoutNanos how long to wait; negative waits without limit, 0 polls
     * @return the number of events filled, possibly 0
     */
    int await(ReadyEvents events, long timeoutNanos) throws NativeIoException;

    /** Makes a current or the next {@link #await} return. Safe from any thread. */
    void wakeup();

    /** Closes the queue and its wake-up descriptor and frees native memory. Idempotent. */
    @Override
    void close();

}
