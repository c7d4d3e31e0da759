package dev.kqlisten.nativeio.unix;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;

import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.AcceptedPeer;

/**
 * Writes {@code sockaddr_in} / {@code sockaddr_in6} into a native buffer and reads them from the
 * bytes copied out of one.
 * <pre>
 * struct sockaddr_in {            // 16 bytes
 *     uint8_t  sin_len;           // 0  BSD only (= 16)
 *     uint8_t  sin_family;        // 1  BSD; Linux: uint16_t sin_family at 0, native-endian
 *     uint16_t sin_port;          // 2  big-endian
 *     uint8_t  sin_addr[4];       // 4
 *     char     sin_zero[8];       // 8
 * };
 * struct sockaddr_in6 {           // 28 bytes
 *     uint8_t  sin6_len;          // 0  BSD only (= 28)
 *     uint8_t  sin6_family;       // 1  BSD; Linux: uint16_t sin6_family at 0
 *     uint16_t sin6_port;         // 2  big-endian
 *     uint32_t sin6_flowinfo;     // 4
 *     uint8_t  sin6_addr[16];     // 8
 *     uint32_t sin6_scope_id;     // 24 native-endian
 * };
 * </pre>
 * Source: docs/native-abi.md §4.1. Writing the Linux form on a BSD yields family 0 there.
 */
public final class SockaddrCodec implements AcceptedPeer.Decoder {

    /** Reads a native-endian {@code uint16} ({@code sa_family_t} on Linux) from a byte array. */
    private static final VarHandle NATIVE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class,
            ByteOrder.nativeOrder());

    /** Reads a native-endian {@code uint32} ({@code sin6_scope_id}) from a byte array. */
    private static final VarHandle NATIVE_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.nativeOrder());

    /**
     * Buffer size for addresses. The largest a TCP/IP call returns is {@code sockaddr_in6}
     * (28 bytes, §4.1); the margin costs nothing, and the kernel truncates to the length passed.
     */
    public static final int CAPACITY = AcceptedPeer.SOCKADDR_CAPACITY;

    static final int SOCKADDR_IN_SIZE = 16;

    static final int SOCKADDR_IN6_SIZE = 28;

    private final boolean hasLength;

    private final int afInet6;

    public SockaddrCodec(boolean hasLength, int afInet6) {
        this.hasLength = hasLength;
        this.afInet6 = afInet6;
    }

    /** Encodes {@code address}:{@code port} at {@code p}; returns the length to pass to the kernel. */
    public int encode(Pointer p, InetAddress address, int port) {
        boolean v6 = address instanceof Inet6Address;
        int length = v6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
        p.setMemory(0, length, (byte) 0);
        int family = v6 ? this.afInet6 : SocketAbi.AF_INET;
        if (this.hasLength) {
            p.setByte(0, (byte) length);
            p.setByte(1, (byte) family);
        }
        else {
            p.setShort(0, (short) family);
        }
        p.setByte(2, (byte) (port >>> 8));
        p.setByte(3, (byte) port);
        byte[] bytes = address.getAddress();
        if (v6) {
            p.write(8, bytes, 0, 16);
            p.setInt(24, ((Inet6Address) address).getScopeId());
        }
        else {
            p.write(4, bytes, 0, 4);
        }
        return length;
    }

    /**
     * Decodes the address in {@code sockaddr} (bytes copied from the kernel's buffer); {@code null}
     * for a family other than IPv4/IPv6. An IPv4-mapped IPv6 address comes back as the IPv4 address.
     */
    @Override
    public InetSocketAddress decode(byte[] sockaddr, int length) {
        int family = this.hasLength ? (sockaddr[1] & 0xFF) : ((short) NATIVE_SHORT.get(sockaddr, 0) & 0xFFFF);
        int port = ((sockaddr[2] & 0xFF) << 8) | (sockaddr[3] & 0xFF);
        try {
            if (family == SocketAbi.AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(sockaddr, 4, 8)), port);
            }
            if (family == this.afInet6) {
                byte[] bytes = Arrays.copyOfRange(sockaddr, 8, 24);
                int scope = (int) NATIVE_INT.get(sockaddr, 24);
                InetAddress address = (scope != 0) ? Inet6Address.getByAddress(null, bytes, scope)
                        : InetAddress.getByAddress(bytes);
                return new InetSocketAddress(address, port);
            }
            return null;
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException("Address of impossible length", ex);
        }
    }

}
