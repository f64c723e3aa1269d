package org.backprop.core;

/**
 * Philox-4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11): a counter-based generator, so the random word for an element is a pure function of
 * its coordinates and a key, and every backend and every thread count draws the same numbers
 * without sharing a stream. Dropout keys it with the seed and counts with (column, row, step, layer);
 * {@code dropout.cu} holds the CUDA twin of {@link #word}, and the Random123 known-answer vectors
 * hold both to the published algorithm.
 */
public final class Philox {

    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() { }

    /** The four output words for counter (c0, c1, c2, c3) and key (k0, k1). */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** The first output word only: what dropout draws per element. Allocation-free. */
    public static int word(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        return c0;
    }

    /**
     * Dropout's threshold: an element is dropped when its word, read unsigned, is below this,
     * which happens with probability threshold/2³² = {@code rate} to within 2⁻³².
     */
    public static long dropThreshold(float rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        return (long) Math.floor(rate * 4294967296.0);
    }

    /** 1/(1 − rate) in float32, the same number every backend multiplies kept elements by. */
    public static float dropScale(float rate) {
        return (float) (1.0 / (1.0 - rate));
    }

    /**
     * The dropout multiplier of element (row, col) of layer {@code layer} at training step
     * {@code step}: 0 (dropped) or {@link #dropScale}. The CPU backend, the reference and the
     * CUDA kernel all compute exactly this.
     */
    public static boolean kept(long seed, int step, int layer, int row, int col, long threshold) {
        int w = word(col, row, step, layer, (int) seed, (int) (seed >>> 32));
        return (w & 0xFFFFFFFFL) >= threshold;
    }
}
