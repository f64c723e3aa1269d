package org.backprop.data;

import java.util.Locale;

/**
 * What the Java heap can still hold, so readers can refuse a file whose honest header asks for
 * more than that (a decompression bomb, a dataset too large for this JVM) with the numbers,
 * before allocating, instead of dying in an {@code OutOfMemoryError}.
 */
public final class Memory {

    /** Where the limit is raised: the launcher script passes this variable to the JVM. */
    public static final String HOW_TO_RAISE = "give the JVM more heap, e.g. BACKPROP_JAVA_OPTS=-Xmx16g for ./backprop";

    private Memory() { }

    /** Bytes the heap can still grow by and hand out: the maximum heap less what is in use now. */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** The heap's maximum size, {@code -Xmx}. */
    public static long max() {
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Whether {@code bytes} more can be allocated, leaving a tenth of the heap spare (large
     * arrays need contiguous regions). Garbage collects once before answering no, since
     * "in use" counts garbage not yet collected.
     */
    public static boolean fits(long bytes) {
        if (bytes < 0) {
            return false;
        }
        if (bytes <= available() - max() / 10) {
            return true;
        }
        System.gc();
        return bytes <= available() - max() / 10;
    }

    /**
     * Throws a {@link DataException} "{@code what} needs X MiB, more than the Y MiB this JVM can
     * still allocate (heap maximum Z MiB): ..." unless {@code bytes} fit.
     */
    public static void require(long bytes, String what) {
        if (!fits(bytes)) {
            throw new DataException(what + " needs " + mib(bytes) + ", more than the "
                    + mib(Math.max(0, available() - max() / 10)) + " this JVM can still allocate (heap maximum "
                    + mib(max()) + "); " + HOW_TO_RAISE);
        }
    }

    /** {@code a × b}, or {@link Long#MAX_VALUE} when that overflows: a size that certainly does not fit. */
    public static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code a + b}, or {@link Long#MAX_VALUE} when that overflows. */
    public static long plus(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    public static String mib(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 2^63 bytes";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
