package org.backprop.core.reference;

import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * How far a float32 backend may land from the double-precision reference on one output of an
 * {@link OpCase}, and why. Three kinds, combinable: exact (the output must equal the reference
 * rounded to float, bit for bit), per element (|actual − expected| within an allowance that may
 * depend on the expected value), and a relative bound on the Frobenius norm of the difference.
 *
 * <p>Allowances are written in units of {@link #U}, float32's unit roundoff, and each carries its
 * reason as text. Two backends that both respect a bound differ by at most twice it, which is what
 * {@link #checkPair} holds them to.
 */
public final class Tolerance {

    /** float32 unit roundoff, 2^-24. */
    public static final double U = Math.scalb(1.0, -24);

    /** The allowed absolute error of element i, given the reference's value there. */
    @FunctionalInterface
    public interface ElementBound {
        double allowed(int i, double expected);
    }

    private final boolean exact;
    private final Supplier<ElementBound> element;
    private final double norm;
    private final DoubleSupplier normFloor;
    private final ElementBound pair;
    private final String why;

    private Tolerance(boolean exact, Supplier<ElementBound> element, double norm, DoubleSupplier normFloor,
                      ElementBound pair, String why) {
        this.exact = exact;
        this.element = element;
        this.norm = norm;
        this.normFloor = normFloor;
        this.pair = pair;
        this.why = why;
    }

    /** The output must equal the reference rounded to float32: a copy, a comparison, one correctly rounded operation. */
    public static Tolerance exact(String why) {
        return new Tolerance(true, null, Double.NaN, null, null, why);
    }

    /** |a − e| ≤ rel·|e| + abs. */
    public static Tolerance relAbs(double rel, double abs, String why) {
        return new Tolerance(false, () -> (i, e) -> rel * Math.abs(e) + abs, Double.NaN, null, null, why);
    }

    /** |a − e| ≤ abs. */
    public static Tolerance abs(double abs, String why) {
        return relAbs(0, abs, why);
    }

    /**
     * A per-element allowance, built only when an output is checked (so a bound that costs a pass
     * over the inputs, like GEMM's, is paid once per check, not once per backend run).
     */
    public static Tolerance perElement(Supplier<ElementBound> bound, String why) {
        return new Tolerance(false, bound, Double.NaN, null, null, why);
    }

    /** ‖a − e‖ ≤ rel·‖e‖ (Frobenius norms). */
    public static Tolerance norm(double rel, String why) {
        return new Tolerance(false, null, rel, () -> 0, null, why);
    }

    /**
     * This bound and, in addition, ‖a − e‖ ≤ rel·max(‖e‖, floor): the floor (computed only when
     * checked) stands in for ‖e‖ where cancellation makes the expected values smaller than the
     * rounding errors' scale.
     */
    public Tolerance andNorm(double rel, DoubleSupplier floor, String normWhy) {
        return new Tolerance(exact, element, rel, floor, pair, why + "; " + normWhy);
    }

    /**
     * A tighter bound for two float32 backends against each other than twice the bound against the
     * reference: |a − b| ≤ rel·|e| + abs, where both compute the same float32 formula with library
     * functions of known accuracy (within 2 ulp) and so differ by less than either errs.
     */
    public Tolerance andPair(double rel, double abs, String pairWhy) {
        return new Tolerance(exact, element, norm, normFloor, (i, e) -> rel * Math.abs(e) + abs,
                why + "; against each other: " + pairWhy);
    }

    public String why() {
        return why;
    }

    /** How one output compared: {@code ratio} ≤ 1 passes; {@code detail} names the worst element. */
    public record Verdict(double ratio, double maxAbsError, String detail) {
        public boolean passed() {
            return ratio <= 1;
        }
    }

    /** A backend's output against the reference's. */
    public Verdict check(double[] expected, double[] actual) {
        return compare(expected, actual, null, 1);
    }

    /**
     * Two backends' outputs against each other: each within this bound of the reference means
     * within twice it of each other. Non-finite values must agree.
     */
    public Verdict checkPair(double[] expected, double[] a, double[] b) {
        return compare(expected, a, b, 2);
    }

    private Verdict compare(double[] expected, double[] a, double[] b, double factor) {
        double[] other = b == null ? expected : b;
        if (a.length != expected.length || other.length != expected.length) {
            return new Verdict(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                    "length " + a.length + (b == null ? "" : " and " + b.length) + ", expected " + expected.length);
        }
        ElementBound bound = element == null ? null : element.get();
        double worst = 0;
        double maxAbs = 0;
        String detail = "";
        double diff2 = 0;
        double norm2 = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double x = a[i];
            double y = b == null ? e : b[i];
            double ratio;
            if (!Double.isFinite(e)) {
                // an expected infinity or NaN must come out as the same float, on every backend
                ratio = same((float) e, x) && same((float) e, y) ? 0 : Double.POSITIVE_INFINITY;
            } else if (!Double.isFinite(x) || !Double.isFinite(y)) {
                ratio = Double.POSITIVE_INFINITY;
            } else {
                double d = Math.abs(x - y);
                maxAbs = Math.max(maxAbs, d);
                diff2 += d * d;
                norm2 += e * e;
                ratio = 0;
                if (exact) {
                    boolean ok = b == null ? x == (float) e : x == y;
                    ratio = ok ? 0 : Double.POSITIVE_INFINITY;
                }
                if (bound != null) {
                    ratio = Math.max(ratio, over(d, factor * bound.allowed(i, e)));
                }
                if (pair != null && b != null) {
                    ratio = Math.max(ratio, over(d, pair.allowed(i, e)));
                }
            }
            if (ratio > worst || (i == 0 && detail.isEmpty())) {
                worst = Math.max(worst, ratio);
                detail = b == null
                        ? String.format(Locale.ROOT, "element %d is %s, expected %s", i, (float) x, e)
                        : String.format(Locale.ROOT, "element %d: %s against %s (reference %s)", i, (float) x, (float) y, e);
                if (Double.isInfinite(ratio)) {
                    break;
                }
            }
        }
        if (!Double.isNaN(norm) && Double.isFinite(worst)) {
            double rel = Math.sqrt(diff2) / Math.max(Math.max(Math.sqrt(norm2), normFloor.getAsDouble()), Double.MIN_NORMAL);
            double r = rel / (factor * norm);
            if (r > worst) {
                worst = r;
                detail = String.format(Locale.ROOT, "relative error of the norm %.3e", rel);
            }
        }
        return new Verdict(worst, maxAbs, detail);
    }

    private static double over(double d, double allowed) {
        return d == 0 ? 0 : allowed > 0 ? d / allowed : Double.POSITIVE_INFINITY;
    }

    private static boolean same(float expected, double actual) {
        return Float.compare(expected, (float) actual) == 0;
    }
}
