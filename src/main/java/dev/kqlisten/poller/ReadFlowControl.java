package dev.kqlisten.poller;

/**
 * Turning reading of one connection off and on, so a consumer that falls behind can push back on
 * the peer through TCP flow control instead of buffering without limit. A {@link Poller} hands its
 * own to its listener through {@link PollerListener#attached}; the executor dispatch mode
 * ({@code dev.kqlisten.dispatch.OrderedDispatcher}) uses it.
 * <p>
 * Both calls ignore ids of connections that are no longer open, and both may be repeated.
 * A resume requested after a suspend is applied after that suspend.
 */
public interface ReadFlowControl {

    /**
     * Stops reading connection {@code id} at once. Poller thread only: call it from a
     * {@link PollerListener} callback.
     */
    void suspendReads(long id);

    /**
     * Resumes reading connection {@code id}. Any thread; applied on the poller thread at the
     * start of its next iteration, so never before a suspend made by the callback running now.
     */
    void resumeReads(long id);

}
