package dev.kqlisten.nativeio;

import java.util.EnumSet;

import dev.kqlisten.nativeio.bsd.BsdConstants;
import dev.kqlisten.nativeio.bsd.BsdSockets;
import dev.kqlisten.nativeio.bsd.KeventAbiCheck;
import dev.kqlisten.nativeio.bsd.KQueueMultiplexer;
import dev.kqlisten.nativeio.linux.EpollMultiplexer;
import dev.kqlisten.nativeio.linux.LinuxConstants;
import dev.kqlisten.nativeio.linux.LinuxSockets;
import dev.kqlisten.nativeio.unix.Accept4Libc;
import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.nativeio.unix.ResourceLimits;

/**
 * Chooses the backend implementation for the host: the one place that switches on the OS.
 */
public final class Multiplexers {

    /** Why {@link #preload()} could not initialise a class; {@link #open} reports it. */
    private static volatile LinkageError preloadFailure;

    private Multiplexers() {
    }

    /**
     * Does what the first {@link #open} would do before its first system call: loads JNA and its
     * native library and binds the C library calls used on this host. That is a few hundred
     * milliseconds of class loading and linking, which a caller can take off the start-up path by
     * running this on another thread, and which a class archive's training run then covers. Opens
     * no descriptor and never throws: a class that fails to initialise here is reported, with
     * its original error, by the {@link #open} that needs it.
     */
    public static void preload() {
        try {
            HostPlatform host = HostPlatform.current();
            initialize(PosixLibc.class.getName());
            if (host.os() == HostOs.LINUX) {
                initialize(Accept4Libc.class.getName());
                initialize("dev.kqlisten.nativeio.linux.LinuxLibc");
            }
        }
        catch (NativeTransportUnavailableException ex) {
            // Unsupported host: open() says so itself.
        }
        catch (LinkageError ex) {
            preloadFailure = ex;
        }
    }

    private static void initialize(String className) {
        try {
            Class.forName(className, true, Multiplexers.class.getClassLoader());
        }
        catch (ClassNotFoundException ex) {
            throw new NoClassDefFoundError(className);
        }
    }

    /** The backend {@code requested} resolves to on {@code host}. */
    public static Backend resolve(Backend requested, HostPlatform host) {
        if (requested == null || requested == Backend.AUTO) {
            return (host.os() == HostOs.LINUX) ? Backend.EPOLL : Backend.KQUEUE;
        }
        return requested;
    }

    /**
     * Opens a readiness queue and the socket calls for this host.
     *
     * @throws NativeTransportUnavailableException if the backend cannot run here, with the
     * detected OS and architecture and the reason
     */
    public static NativeTransport open(TransportOptions options) {
        return open(options, HostPlatform.current());
    }

    static NativeTransport open(TransportOptions options, HostPlatform host) {
        Backend backend = resolve(options.backend(), host);
        if (backend == Backend.EPOLL && host.os() != HostOs.LINUX) {
            throw unavailable(backend, host, "epoll is Linux-only; " + host.os().displayName() + " has kqueue", null);
        }
        Sockets sockets = null;
        try {
            sockets = (host.os() == HostOs.LINUX) ? new LinuxSockets(options.readBufferSize())
                    : new BsdSockets(BsdConstants.forOs(host.os()), options.readBufferSize());
            Multiplexer multiplexer = (backend == Backend.EPOLL) ? new EpollMultiplexer(options.maxEvents())
                    : openKQueue(options, host);
            return new NativeTransport(multiplexer, sockets);
        }
        catch (NativeTransportUnavailableException | KQueueAbiMismatchException ex) {
            closeQuietly(sockets);
            throw ex;
        }
        catch (NativeIoException | LinkageError | RuntimeException ex) {
            closeQuietly(sockets);
            // After a failed preload() the JVM reports only "Could not initialize class"; its error is the cause.
            Throwable cause = (ex instanceof NoClassDefFoundError && preloadFailure != null) ? preloadFailure : ex;
            throw unavailable(backend, host,
                    backend.name().toLowerCase() + " could not be opened: " + cause.getMessage(), cause);
        }
    }

    /**
     * The process's descriptor limit, {@code getrlimit(RLIMIT_NOFILE)} with this host's numbers
     * (docs/native-abi.md §12). On macOS the {@code kern.maxfilesperproc} sysctl may cap below it;
     * that is not read.
     *
     * @throws NativeTransportUnavailableException if the host is not supported
     * @throws NativeIoException if getrlimit fails
     */
    public static DescriptorLimit descriptorLimit() throws NativeIoException {
        HostPlatform host = HostPlatform.current();
        return ResourceLimits.descriptorLimit((host.os() == HostOs.LINUX) ? LinuxConstants.RLIMITS : BsdConstants.RLIMITS,
                errnos(host));
    }

    /** The errno numbering of {@code host}. */
    private static ErrnoTable errnos(HostPlatform host) {
        return (host.os() == HostOs.LINUX) ? LinuxConstants.SOCKETS.errnos() : BsdConstants.forOs(host.os()).errnos();
    }

    private static Multiplexer openKQueue(TransportOptions options, HostPlatform host) throws NativeIoException {
        KQueueAbi abi = (options.kqueueAbi() != null) ? options.kqueueAbi() : host.os().nativeKQueueAbi();
        if (abi == null) {
            throw unavailable(Backend.KQUEUE, host,
                    host.os().displayName() + " has no kqueue; a kqueue-compatible library and its ABI must be named",
                    null);
        }
        if (host.os() != HostOs.LINUX && abi != host.os().nativeKQueueAbi()) {
            throw unavailable(Backend.KQUEUE, host, "the kqueue ABI " + abi + " does not match the host OS "
                    + host.os().displayName() + " (" + host.os().nativeKQueueAbi() + ")", null);
        }
        if (host.os() == HostOs.LINUX && (options.kqueueLibrary() == null || options.kqueueLibrary().isBlank())) {
            throw unavailable(Backend.KQUEUE, host,
                    "Linux has no kqueue; a kqueue-compatible library must be named", null);
        }
        ErrnoTable errnos = errnos(host);
        // Prove the layout on a scratch kqueue before the backend trusts it (docs/native-abi.md).
        // On a BSD no other layout could be configured; on Linux any could.
        KeventAbiCheck.verify(options.kqueueLibrary(), abi, options.kqueueAbi() != null, errnos,
                (host.os() == HostOs.LINUX) ? EnumSet.allOf(KQueueAbi.class) : EnumSet.noneOf(KQueueAbi.class));
        return new KQueueMultiplexer(abi, options.kqueueLibrary(), errnos, options.maxEvents());
    }

    private static NativeTransportUnavailableException unavailable(Backend backend, HostPlatform host, String reason,
            Throwable cause) {
        return new NativeTransportUnavailableException(backend, host.osName(), host.arch(), reason, cause);
    }

    private static void closeQuietly(Sockets sockets) {
        if (sockets != null) {
            sockets.close();
        }
    }

}
