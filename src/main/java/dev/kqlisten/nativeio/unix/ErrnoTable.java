package dev.kqlisten.nativeio.unix;

import java.util.Arrays;

import dev.kqlisten.nativeio.Errno;

/**
 * One OS's errno numbering for the names in {@link Errno}, both ways. Lookups allocate nothing.
 */
public final class ErrnoTable {

    private static final Errno[] NAMED = Arrays.stream(Errno.values()).filter((e) -> e != Errno.UNKNOWN)
        .toArray(Errno[]::new);

    private final int[] numberByOrdinal;

    private final Errno[] byNumber;

    /**
     * @param numbers the values of ENOENT, EINTR, EBADF, ... ENOSYS, EACCES, in {@link Errno} declaration
     * order (which is the row order of docs/native-abi.md §4.3)
     */
    public ErrnoTable(int... numbers) {
        if (numbers.length != NAMED.length) {
            throw new IllegalArgumentException("expected " + NAMED.length + " errno values, got " + numbers.length);
        }
        this.numberByOrdinal = new int[Errno.values().length];
        this.byNumber = new Errno[Arrays.stream(numbers).max().orElse(0) + 1];
        Arrays.fill(this.byNumber, Errno.UNKNOWN);
        for (int i = 0; i < numbers.length; i++) {
            Errno errno = NAMED[i];
            if (this.byNumber[numbers[i]] != Errno.UNKNOWN) {
                throw new IllegalArgumentException(errno + " and " + this.byNumber[numbers[i]] + " share " + numbers[i]);
            }
            this.numberByOrdinal[errno.ordinal()] = numbers[i];
            this.byNumber[numbers[i]] = errno;
        }
        this.numberByOrdinal[Errno.UNKNOWN.ordinal()] = -1;
    }

    /** The name of {@code number}, {@link Errno#UNKNOWN} if the table has none. */
    public Errno errno(int number) {
        return (number > 0 && number < this.byNumber.length) ? this.byNumber[number] : Errno.UNKNOWN;
    }

    /** This OS's number for {@code errno}; -1 for {@link Errno#UNKNOWN}. */
    public int number(Errno errno) {
        return this.numberByOrdinal[errno.ordinal()];
    }

}
