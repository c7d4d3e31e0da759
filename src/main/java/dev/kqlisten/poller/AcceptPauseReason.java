package dev.kqlisten.poller;

/**
 * Why a listener stopped accepting for a while. Either way the listen filter is disabled,
 * pending clients wait in the kernel's accept queue, and accepting resumes when a connection
 * closes or from a back-off timer.
 */
public enum AcceptPauseReason {

    /** {@code accept} failed with EMFILE or ENFILE: the process or the system is out of descriptors. */
    DESCRIPTORS_EXHAUSTED,

    /**
     * kqlisten's connections hold every descriptor they may: the descriptor limit minus
     * {@code kqlisten.reserved-descriptors}, which are kept for the rest of the process.
     */
    DESCRIPTOR_RESERVE

}
