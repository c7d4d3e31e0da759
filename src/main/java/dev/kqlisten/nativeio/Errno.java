package dev.kqlisten.nativeio;

/**
 * OS-neutral names for the errno values kqlisten acts on. The numbers differ per OS (EAGAIN is 35
 * on the BSDs and 11 on Linux) and live in the per-OS constant classes; code outside this package
 * compares these names, never numbers.
 */
public enum Errno {

    ENOENT("No such file or directory"),
    EINTR("Interrupted system call"),
    EBADF("Bad file descriptor"),
    EINVAL("Invalid argument"),
    ENFILE("Too many open files in system"),
    EMFILE("Too many open files"),
    EPIPE("Broken pipe"),
    EAGAIN("Resource temporarily unavailable"),
    EINPROGRESS("Operation now in progress"),
    EALREADY("Operation already in progress"),
    ENOTSOCK("Socket operation on non-socket"),
    EOPNOTSUPP("Operation not supported"),
    EADDRINUSE("Address already in use"),
    EADDRNOTAVAIL("Can't assign requested address"),
    ENETUNREACH("Network is unreachable"),
    ECONNABORTED("Software caused connection abort"),
    ECONNRESET("Connection reset by peer"),
    ENOBUFS("No buffer space available"),
    EISCONN("Socket is already connected"),
    ENOTCONN("Socket is not connected"),
    ETIMEDOUT("Operation timed out"),
    ECONNREFUSED("Connection refused"),
    EHOSTUNREACH("No route to host"),
    ENOSYS("Function not implemented"),
    /** Permission denied; from docs/native-abi.md §12, not §4.3: 13 on every supported OS. */
    EACCES("Permission denied"),

    /** A value that none of the per-OS tables names. */
    UNKNOWN("Unknown error");

    private final String description;

    Errno(String description) {
        this.description = description;
    }

    /** The strerror(3)-style text, for messages. */
    public String description() {
        return this.description;
    }

}
