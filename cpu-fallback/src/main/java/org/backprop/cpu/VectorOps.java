package org.backprop.cpu;

import static org.backprop.cpu.CpuOps.EXP_MAX;
import static org.backprop.cpu.CpuOps.EXP_MIN;
import static org.backprop.cpu.CpuOps.LN2_HI;
import static org.backprop.cpu.CpuOps.LN2_LO;
import static org.backprop.cpu.CpuOps.LOG2E;
import static org.backprop.cpu.CpuOps.P0;
import static org.backprop.cpu.CpuOps.P1;
import static org.backprop.cpu.CpuOps.P2;
import static org.backprop.cpu.CpuOps.P3;
import static org.backprop.cpu.CpuOps.P4;
import static org.backprop.cpu.CpuOps.P5;
import static org.backprop.cpu.CpuOps.ROUND;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link CpuOps} kernels whose scalar form is slow (Math.exp costs ~10 ns).
 * Each lane does exactly the float operations of the scalar version in the same order, so the
 * two give identical bits and the choice never shows in the results. Loaded only when
 * {@code jdk.incubator.vector} is present (see {@link VectorKernels}).
 */
final class VectorOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorOps() { }

    /**
     * The one caller of {@link #exp}. A second (a bias + sigmoid loop of its own) ran at half
     * speed inside the backend: C2 had compiled exp on its own by then and, inlining the loop into
     * its caller, called exp with the vectors boxed (256×1024: bias + sigmoid 420 µs against 180
     * for the two passes); the forward pass interleaves the two row by row instead.
     */
    static void sigmoid(float[] x, float[] y, int from, int to) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = from;
        int bound = from + (to - from) / L * L;
        for (; i < bound; i += L) {
            FloatVector z = FloatVector.fromArray(S, x, i);
            one.div(exp(z.neg()).add(1f)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = CpuOps.sigmoid(x[i]);
        }
    }

    /**
     * y = x where x > 0, else +0 (NaN too), as {@link CpuOps#relu}: a compare and a blend per
     * vector, where the scalar loop's branch mispredicts on mixed signs (~1.8 ns per element).
     */
    static void relu(float[] x, float[] y, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        int bound = from + (to - from) / L * L;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < to; i++) {
            float v = x[i];
            y[i] = v > 0 ? v : 0f;
        }
    }

    /** dx = dy where y > 0, else +0, as {@link CpuOps#reluBackward}. */
    static void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        int bound = from + (to - from) / L * L;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, y, i);
            FloatVector d = FloatVector.fromArray(S, dy, i);
            zero.blend(d, v.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        for (; i < to; i++) {
            dx[i] = y[i] > 0 ? dy[i] : 0f;
        }
    }

    /**
     * Lane-wise {@link CpuOps#exp(float)}, operation for operation. The clamp is a compare and a
     * blend each way: the same lanes as Math.max/min against these finite, nonzero bounds (NaN
     * fails both compares and passes through; −0 is inside), where the Vector API's MAX/MIN
     * follow Java's NaN and signed-zero rules in six instructions each. It is 47 → 39 vector
     * instructions per vector, on the two 512-bit ports that bound the loop.
     */
    private static FloatVector exp(FloatVector v) {
        FloatVector x = v.blend(EXP_MIN, v.compare(VectorOperators.LT, EXP_MIN));
        x = x.blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector n = t.sub(ROUND);
        IntVector ni = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND));
        FloatVector r = x.sub(n.mul(LN2_HI));
        r = r.sub(n.mul(LN2_LO));
        FloatVector p = FloatVector.broadcast(S, P0);
        p = p.mul(r).add(P1);
        p = p.mul(r).add(P2);
        p = p.mul(r).add(P3);
        p = p.mul(r).add(P4);
        p = p.mul(r).add(P5);
        FloatVector e = p.mul(r).mul(r).add(r).add(1f);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return e.mul(s1).mul(s2);
    }

    /**
     * {@link CpuOps#gatherRows}, four rows at a time, a vector of each in turn: four streams from
     * memory in flight instead of one (rows of a shuffled dataset are cold). The same copy.
     */
    static void gatherRows(float[] src, int[] idx, int start, float[] dst, int cols, int r0, int r1) {
        int r = r0;
        int bound = cols / L * L;
        for (; r + 4 <= r1; r += 4) {
            int s0 = idx[start + r] * cols;
            int s1 = idx[start + r + 1] * cols;
            int s2 = idx[start + r + 2] * cols;
            int s3 = idx[start + r + 3] * cols;
            int d0 = r * cols;
            int d1 = d0 + cols;
            int d2 = d1 + cols;
            int d3 = d2 + cols;
            for (int j = 0; j < bound; j += L) {
                FloatVector.fromArray(S, src, s0 + j).intoArray(dst, d0 + j);
                FloatVector.fromArray(S, src, s1 + j).intoArray(dst, d1 + j);
                FloatVector.fromArray(S, src, s2 + j).intoArray(dst, d2 + j);
                FloatVector.fromArray(S, src, s3 + j).intoArray(dst, d3 + j);
            }
            if (bound < cols) {
                int tail = cols - bound;
                System.arraycopy(src, s0 + bound, dst, d0 + bound, tail);
                System.arraycopy(src, s1 + bound, dst, d1 + bound, tail);
                System.arraycopy(src, s2 + bound, dst, d2 + bound, tail);
                System.arraycopy(src, s3 + bound, dst, d3 + bound, tail);
            }
        }
        CpuOps.gatherRows(src, idx, start, dst, cols, r, r1);
    }

    /**
     * {@link CpuOps#columnSquares}: a lane per column, its sum in a register down all the rows, so
     * each column's squares are added in row order, a rounded product then a rounded sum, as the
     * scalar loop does. Four vectors of columns at a time keep four sums in flight per row.
     */
    static void columnSquares(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        int j = 0;
        for (; j + 4 * L <= width; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int i = 0, p = base + j; i < rows; i++, p += stride) {
                FloatVector v0 = FloatVector.fromArray(S, a, p);
                FloatVector v1 = FloatVector.fromArray(S, a, p + L);
                FloatVector v2 = FloatVector.fromArray(S, a, p + 2 * L);
                FloatVector v3 = FloatVector.fromArray(S, a, p + 3 * L);
                s0 = s0.add(v0.mul(v0));
                s1 = s1.add(v1.mul(v1));
                s2 = s2.add(v2.mul(v2));
                s3 = s3.add(v3.mul(v3));
            }
            s0.intoArray(s, at + j);
            s1.intoArray(s, at + j + L);
            s2.intoArray(s, at + j + 2 * L);
            s3.intoArray(s, at + j + 3 * L);
        }
        for (; j + 2 * L <= width; j += 2 * L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            for (int i = 0, p = base + j; i < rows; i++, p += stride) {
                FloatVector v0 = FloatVector.fromArray(S, a, p);
                FloatVector v1 = FloatVector.fromArray(S, a, p + L);
                s0 = s0.add(v0.mul(v0));
                s1 = s1.add(v1.mul(v1));
            }
            s0.intoArray(s, at + j);
            s1.intoArray(s, at + j + L);
        }
        for (; j + L <= width; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int i = 0, p = base + j; i < rows; i++, p += stride) {
                FloatVector v0 = FloatVector.fromArray(S, a, p);
                s0 = s0.add(v0.mul(v0));
            }
            s0.intoArray(s, at + j);
        }
        CpuOps.columnSquares(a, base + j, stride, rows, width - j, s, at + j);
    }

    /** {@link CpuOps#scaleColumns}, row by row: the same one product per element. */
    static void scaleColumns(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        int bound = width / L * L;
        for (int i = 0, p = base; i < rows; i++, p += stride) {
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, a, p + j).mul(FloatVector.fromArray(S, s, at + j)).intoArray(a, p + j);
            }
            for (; j < width; j++) {
                a[p + j] *= s[at + j];
            }
        }
    }
}
