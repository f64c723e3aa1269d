package org.backprop.core;

/**
 * Philox-4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11): a counter-based generator, so the random word for an element is a pure function of
 * its coordinates and a key, and every backend and every thread count draws the same numbers
 * without sharing a stream. Dropout keys it with the seed and counts with (column / 4, row, step,
 * layer): one block's four words serve four adjacent columns. {@code dropout.cu} holds the CUDA
 * twin, and the Random123 known-answer vectors hold {@link #block} to the published algorithm.
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

    /**
     * Which of columns 4g .. 4g + 3 of {@code row} dropout keeps: bit k set when word k of the
     * block at counter (g, row, step, layer), key (seed low, seed high), read unsigned, is at
     * least {@code threshold}. Allocation-free, for the CPU's inner loop.
     */
    public static int keptBits(long seed, int step, int layer, int row, int group, long threshold) {
        int c0 = group, c1 = row, c2 = step, c3 = layer;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
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
        return ((c0 & 0xFFFFFFFFL) >= threshold ? 1 : 0) | ((c1 & 0xFFFFFFFFL) >= threshold ? 2 : 0)
                | ((c2 & 0xFFFFFFFFL) >= threshold ? 4 : 0) | ((c3 & 0xFFFFFFFFL) >= threshold ? 8 : 0);
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

    /** Whether dropout keeps element (row, col) of layer {@code layer} at training step {@code step}. */
    public static boolean kept(long seed, int step, int layer, int row, int col, long threshold) {
        return (keptBits(seed, step, layer, row, col >>> 2, threshold) >>> (col & 3) & 1) != 0;
    }
}
