package dev.kqlisten.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The 32 bits of an {@link Inet4Address} without the copy {@code getAddress()} makes.
 * <p>
 * The JDK's {@code Inet4Address.hashCode()} returns the address itself as an {@code int} (every
 * OpenJDK release from 1.0 to today: {@code return holder().getAddress();}). That is not a
 * documented contract, so it is checked once at class initialisation on addresses that exercise
 * every byte and the sign bit; if a runtime ever differs, {@link #of} falls back to
 * {@code getAddress()} (a 4-byte copy per call) and stays correct.
 */
final class Ipv4Bits {

    /** Whether {@code hashCode()} is the address on this runtime (checked once). */
    static final boolean HASH_CODE_IS_ADDRESS = hashCodeIsAddress();

    private Ipv4Bits() {
    }

    /** The address in the low 32 bits, network order (first byte highest). */
    static long of(Inet4Address address) {
        return HASH_CODE_IS_ADDRESS ? (address.hashCode() & 0xFFFF_FFFFL) : copied(address);
    }

    static long copied(Inet4Address address) {
        return CidrBlock.ipv4Bits(address.getAddress(), 0);
    }

    private static boolean hashCodeIsAddress() {
        byte[][] probes = { { 0, 0, 0, 0 }, { (byte) 192, 0, 2, 1 }, { (byte) 255, (byte) 255, (byte) 255, (byte) 255 },
                { 1, 2, 3, 4 }, { (byte) 128, 0, 0, (byte) 129 } };
        try {
            for (byte[] probe : probes) {
                InetAddress address = InetAddress.getByAddress(probe);
                if (!(address instanceof Inet4Address)
                        || (address.hashCode() & 0xFFFF_FFFFL) != CidrBlock.ipv4Bits(probe, 0)) {
                    return false;
                }
            }
            return true;
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

}
