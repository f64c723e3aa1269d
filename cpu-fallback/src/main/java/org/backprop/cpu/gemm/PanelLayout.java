package org.backprop.cpu.gemm;

/**
 * The panel layout a weight matrix keeps on the CPU backend: its columns cut into strips {@code w}
 * wide (the GEMM micro-kernel's NR), each strip stored whole, row after row, so element (i, j) of
 * a rows × cols matrix sits at {@code (j / w)·rows·w + i·w + j mod w}. That is exactly how the
 * GEMM packs its B operand, over the whole k at once: the forward product x·W then reads W in
 * place instead of copying it (the copy, bound by memory, took ~12% of a 256-row product), and the
 * weight-gradient product writes its C tiles there as contiguous 12 × 128-byte blocks.
 *
 * <p>Only ops that know the layout see it; every other op reads the row-major array, which
 * {@link org.backprop.cpu.CpuBackend} restores first. The values are the same floats, so no result changes by a bit.
 */
public final class PanelLayout {

    private PanelLayout() {
    }

    /** Whether a rows × cols matrix can take panels {@code w} wide: whole strips only. */
    public static boolean fits(int cols, int w) {
        return w > 0 && cols % w == 0;
    }

    /** Row-major {@code src} (rows × cols) into panels {@code w} wide in {@code dst}. */
    public static void toPanels(float[] src, int rows, int cols, int w, float[] dst) {
        for (int s = 0, strips = cols / w; s < strips; s++) {
            int base = s * rows * w;
            for (int i = 0; i < rows; i++) {
                System.arraycopy(src, i * cols + s * w, dst, base + i * w, w);
            }
        }
    }

    /** Panels {@code w} wide in {@code src} back to row-major (rows × cols) in {@code dst}. */
    public static void toRowMajor(float[] src, int rows, int cols, int w, float[] dst) {
        for (int s = 0, strips = cols / w; s < strips; s++) {
            int base = s * rows * w;
            for (int i = 0; i < rows; i++) {
                System.arraycopy(src, base + i * w, dst, i * cols + s * w, w);
            }
        }
    }
}
