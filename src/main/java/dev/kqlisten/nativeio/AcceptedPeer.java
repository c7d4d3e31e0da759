package dev.kqlisten.nativeio;

import java.net.InetSocketAddress;

/**
 * What one successful {@link Sockets#accept(int, AcceptedPeer)} produced: the new descriptor
 * and the peer's {@code sockaddr} bytes, decoded into an address only when asked. The caller
 * owns one instance and passes it to every accept, so accepting allocates nothing; each accept
 * overwrites it, and a failed accept empties it.
 */
public final class AcceptedPeer {

    /**
     * Room for any address accept(2) may return: the size of {@code sockaddr_storage}; the largest
     * it returns for TCP is a 28-byte {@code sockaddr_in6} (docs/native-abi.md §4.1).
     */
    public static final int SOCKADDR_CAPACITY = 128;

    /** Turns {@code sockaddr} bytes of the host OS into an address; supplied by the filler. */
    @FunctionalInterface
    public interface Decoder {

        /** The address in {@code sockaddr[0..length)}, or {@code null} for a family other than IPv4/IPv6. */
        InetSocketAddress decode(byte[] sockaddr, int length);

    }

    private final byte[] sockaddr = new byte[SOCKADDR_CAPACITY];

    private int length;

    private int fd = -1;

    private Decoder decoder;

    private InetSocketAddress remote;

    /** The accepted descriptor, -1 after a failed accept. */
    public int fd() {
        return this.fd;
    }

    /** The peer's address, decoded on the first call after the accept that filled this cursor. */
    public InetSocketAddress remoteAddress() {
        if (this.remote == null && this.decoder != null) {
            this.remote = this.decoder.decode(this.sockaddr, this.length);
        }
        return this.remote;
    }

    /** For {@link Sockets} implementations: the buffer accept's {@code sockaddr} is copied into. */
    public byte[] sockaddr() {
        return this.sockaddr;
    }

    /** For {@link Sockets} implementations: records a successful accept whose address is in {@link #sockaddr()}. */
    public void filled(int fd, int length, Decoder decoder) {
        this.fd = fd;
        this.length = Math.min(length, SOCKADDR_CAPACITY);
        this.decoder = decoder;
        this.remote = null;
    }

    /**
     * Records a connection another poller accepted and handed over: its descriptor and the peer's
     * address, already decoded.
     */
    public void handedOver(int fd, InetSocketAddress remote) {
        this.fd = fd;
        this.length = 0;
        this.decoder = null;
        this.remote = remote;
    }

    /** For {@link Sockets} implementations: records a failed accept. */
    public void clear() {
        this.fd = -1;
        this.length = 0;
        this.decoder = null;
        this.remote = null;
    }

}
