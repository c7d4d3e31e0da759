/**
 * POSIX socket calls and tables shared by the Linux and BSD backends: the direct-mapped socket
 * calls, the {@code sockaddr} codec, the per-OS socket constants and errno tables, and the
 * {@link dev.kqlisten.nativeio.Sockets} implementation both OS families build on.
 */
package dev.kqlisten.nativeio.unix;
