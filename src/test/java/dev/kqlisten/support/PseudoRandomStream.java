package dev.kqlisten.support;

import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A reproducible pseudo-random byte stream named by a seed: block {@code k} of 4 KiB comes from
 * its own generator, so the bytes do not depend on how a writer slices them, and the checksum
 * of any prefix can be recomputed later without keeping the bytes.
 */
public final class PseudoRandomStream {

    private static final int BLOCK = 4096;

    private final long seed;

    private final byte[] block = new byte[BLOCK];

    private long blockIndex = -1;

    private long position;

    public PseudoRandomStream(long seed) {
        this.seed = seed;
    }

    /** Copies the next {@code length} bytes of the stream into {@code target}. */
    public void next(byte[] target, int offset, int length) {
        int done = 0;
        while (done < length) {
            long index = this.position / BLOCK;
            if (index != this.blockIndex) {
                new SplittableRandom(this.seed * 0x9E3779B97F4A7C15L + index).nextBytes(this.block);
                this.blockIndex = index;
            }
            int in = (int) (this.position % BLOCK);
            int n = Math.min(length - done, BLOCK - in);
            System.arraycopy(this.block, in, target, offset + done, n);
            done += n;
            this.position += n;
        }
    }

    /** The CRC-32 of the first {@code length} bytes of the stream of {@code seed}. */
    public static long crcOfPrefix(long seed, long length) {
        PseudoRandomStream stream = new PseudoRandomStream(seed);
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, buffer.length);
            stream.next(buffer, 0, n);
            crc.update(buffer, 0, n);
            left -= n;
        }
        return crc.getValue();
    }

}
