package dev.kqlisten.nativeio.unix;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.NativeIoException;

/**
 * {@code getrlimit(2)} for the descriptor limit. Called once per start, not on the poller's path.
 */
public final class ResourceLimits {

    private ResourceLimits() {
    }

    /**
     * The process's {@code RLIMIT_NOFILE} (docs/native-abi.md §12). macOS also caps descriptors
     * at the {@code kern.maxfilesperproc} sysctl, which this does not read: there the limit
     * reported may be higher than the one enforced.
     *
     * @throws NativeIoException if getrlimit fails
     */
    public static DescriptorLimit descriptorLimit(RlimitAbi abi, ErrnoTable errnos) throws NativeIoException {
        try (Memory rlimit = new Memory(RlimitAbi.RLIMIT_SIZE)) {
            if (PosixLibc.getrlimit(abi.rlimitNofile(), rlimit) != 0) {
                int errno = Native.getLastError();
                throw new NativeIoException("getrlimit", errno, errnos.errno(errno));
            }
            return DescriptorLimit.decode(rlimit.getLong(RlimitAbi.RLIM_CUR), rlimit.getLong(RlimitAbi.RLIM_MAX),
                    abi.rlimInfinity());
        }
    }

}
