package org.backprop.cpu;

import org.backprop.core.Tensor;
import org.backprop.cpu.gemm.PanelLayout;

/**
 * A {@link CpuTensor}'s array as an op needs it: row-major for most ops (a tensor held in GEMM
 * panels is turned back first), or in whatever layout it is held for ops that treat every element
 * alike. Turning changes where floats sit, never their values, so no result changes by a bit.
 */
final class TensorArrays {

    private TensorArrays() { }

    /** The tensor's elements in row-major order; a tensor held in panels is turned back first. */
    static float[] data(Tensor t) {
        CpuTensor r = ((CpuTensor) t).root();
        if (r.panel != 0) {
            float[] rowMajor = new float[r.data.length];
            PanelLayout.toRowMajor(r.data, r.rows(), r.cols(), r.panel, rowMajor);
            r.data = rowMajor;
            r.panel = 0;
        }
        return r.data;
    }

    /**
     * The array of an op that treats every element alike, in whatever layout the tensor holds it
     * (the same for all the op's operands, see {@link #agree}); a view is a row range, so row-major.
     */
    static float[] raw(Tensor t) {
        CpuTensor c = (CpuTensor) t;
        return c.isView() ? data(t) : c.data;
    }

    static boolean inPanels(Tensor t) {
        CpuTensor c = (CpuTensor) t;
        return !c.isView() && c.panel != 0;
    }

    static boolean sameArray(Tensor a, Tensor b) {
        return ((CpuTensor) a).root() == ((CpuTensor) b).root();
    }

    /**
     * Gives an elementwise op's operands one layout: the panels of the first (a parameter) when it
     * has them and the others are whole tensors of its shape (a gradient, an optimiser's state:
     * turned once, then kept), else row-major for all.
     */
    static void agree(Tensor lead, Tensor... others) {
        boolean panels = inPanels(lead);
        for (Tensor o : others) {
            panels &= !((CpuTensor) o).isView();
        }
        if (!panels) {
            data(lead);
            for (Tensor o : others) {
                data(o);
            }
            return;
        }
        for (Tensor o : others) {
            toPanels((CpuTensor) o, ((CpuTensor) lead).panel);
        }
    }

    static void toPanels(CpuTensor t, int width) {
        if (t.panel == width) {
            return;
        }
        float[] rowMajor = data(t);
        float[] panels = new float[rowMajor.length];
        PanelLayout.toPanels(rowMajor, t.rows(), t.cols(), width, panels);
        t.data = panels;
        t.panel = width;
    }

    /** Adds {@code value} to the one float of a scalar accumulator tensor (a loss sum, a count). */
    static void addTo(Tensor accumulator, double value) {
        float[] a = data(accumulator);
        a[0] = (float) (a[0] + value);
    }
}
