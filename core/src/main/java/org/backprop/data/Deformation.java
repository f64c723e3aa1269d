package org.backprop.data;

import java.util.Locale;
import org.backprop.core.Philox;
import org.backprop.nn.InvalidSetting;

/**
 * Random deformations of square grey-level images, regenerated every epoch (Simard, Steinkraus and
 * Platt 2003, "Best practices for convolutional neural networks applied to visual document
 * analysis"; Ciresan, Meier, Gambardella and Schmidhuber 2010, "Deep, big, simple neural nets for
 * handwritten digit recognition"). Destination pixel (x, y) of a side×side image (x the column,
 * y the row, c = (side − 1)/2) takes the source's value at
 *
 * <pre>
 *   affine:  u = x − c − tx,  v = y − c − ty
 *            sx' = c + ( cos θ·u + sin θ·v)/gx,   sy' = c + (−sin θ·u + cos θ·v)/gy
 *   elastic: sx' += α·(G_σ * Ux)(x, y),            sy' += α·(G_σ * Uy)(x, y)
 * </pre>
 *
 * read by bilinear interpolation, 0 (the background) outside the image. θ = rotate·π/180·u₀,
 * gx = 1 + scale·u₁, gy = 1 + scale·u₂, tx = shift·u₃, ty = shift·u₄; Ux and Uy are fields of
 * uniform(−1, 1) per pixel, smoothed by a normalised Gaussian of standard deviation σ pixels
 * (truncated at {@link #radius}, zero outside the image) and scaled by α, Simard's definition.
 *
 * <p>Every uniform comes from {@link Philox} at key (seed low, seed high) and counter
 * (block, row, epoch, {@link #STREAM}): block 0 holds u₀..u₃, block 1 u₄, block 2 + p/2 the pair
 * (Ux, Uy) of pixel p in words 2·(p mod 2) and 2·(p mod 2) + 1. The uniform of a word w is
 * (2·(w >>> 8) + 1 − 2²⁴)·2⁻²⁴, exact in float32, so every backend and thread count deforms the
 * same image the same way for the same (seed, epoch, row).
 *
 * @param affine  whether the affine part (rotation, scaling, translation) is on
 * @param elastic whether the elastic field is on
 * @param rotate  the largest rotation, degrees
 * @param scale   the largest relative change of each axis' scale (0.15: ±15%)
 * @param shift   the largest translation, pixels, along each axis
 * @param sigma   the elastic field's Gaussian standard deviation, pixels
 * @param alpha   the elastic field's scaling factor, pixels
 */
public record Deformation(boolean affine, boolean elastic, float rotate, float scale, float shift, float sigma,
                          float alpha) {

    /** Philox's counter word 3 for deformations: no layer index (nor input dropout's −1) reaches it. */
    public static final int STREAM = 0xFFFFFFFE;

    /** The largest rotation when none is given, degrees: a moderate tilt that keeps digits legible. */
    public static final float DEFAULT_ROTATE = 15f;
    /** The largest scale change when none is given, per axis: 15 %, likewise. */
    public static final float DEFAULT_SCALE = 0.15f;
    /** No translation when none is given: neither paper lists one. */
    public static final float DEFAULT_SHIFT = 0f;
    /** σ when none is given: Ciresan et al. 2010 used 5.0–6.0 (Simard et al. 2003: 4). */
    public static final float DEFAULT_SIGMA = 6f;
    /** α when none is given: Ciresan et al. 2010 used 36–38 (Simard et al. 2003: 34). */
    public static final float DEFAULT_ALPHA = 36f;

    /** The kinds {@link #parse} accepts. */
    public static final String KINDS = "affine, elastic or affine+elastic";

    public Deformation {
        InvalidSetting.require(affine || elastic, "augment", "must be " + KINDS);
        InvalidSetting.require(rotate >= 0 && rotate <= 180, "rotation", "must be between 0 and 180 degrees, got "
                + rotate);
        InvalidSetting.require(scale >= 0 && scale < 1, "scale", "must be in [0, 1), got " + scale);
        InvalidSetting.require(shift >= 0 && shift <= 1000, "shift", "must be between 0 and 1000 pixels, got " + shift);
        InvalidSetting.require(sigma >= 0 && sigma <= 100, "elastic sigma", "must be between 0 and 100 pixels, got "
                + sigma);
        InvalidSetting.require(alpha >= 0 && alpha <= 1000, "elastic alpha", "must be between 0 and 1000, got "
                + alpha);
    }

    /** The kind ("affine", "elastic", "affine+elastic") with the default parameters. */
    public static Deformation parse(String kind) {
        String k = kind.trim().toLowerCase(Locale.ROOT);
        boolean a = k.equals("affine") || k.equals("affine+elastic") || k.equals("elastic+affine");
        boolean e = k.equals("elastic") || k.equals("affine+elastic") || k.equals("elastic+affine");
        InvalidSetting.require(a || e, "augment", "must be " + KINDS + ", got '" + kind + "'");
        return new Deformation(a, e, DEFAULT_ROTATE, DEFAULT_SCALE, DEFAULT_SHIFT, DEFAULT_SIGMA, DEFAULT_ALPHA);
    }

    public Deformation withAffine(float degrees, float relative, float pixels) {
        return new Deformation(affine, elastic, degrees, relative, pixels, sigma, alpha);
    }

    public Deformation withElastic(float s, float a) {
        return new Deformation(affine, elastic, rotate, scale, shift, s, a);
    }

    /** "affine", "elastic" or "affine+elastic". */
    public String kind() {
        return affine && elastic ? "affine+elastic" : affine ? "affine" : "elastic";
    }

    /** "affine+elastic (rotation ±15°, scale ±15%, shift ±0 px; σ 6, α 36)". */
    public String describe() {
        StringBuilder b = new StringBuilder(kind()).append(" (");
        if (affine) {
            b.append(String.format(Locale.ROOT, "rotation ±%s°, scale ±%s%%, shift ±%s px", fmt(rotate),
                    fmt(scale * 100), fmt(shift)));
        }
        if (elastic) {
            b.append(affine ? "; " : "").append("σ ").append(fmt(sigma)).append(", α ").append(fmt(alpha));
        }
        return b.append(')').toString();
    }

    /** At most four decimals, no trailing zeros: 15, 0.5, 12.5. */
    private static String fmt(float f) {
        return java.math.BigDecimal.valueOf(Math.round(f * 1e4) / 1e4).stripTrailingZeros().toPlainString();
    }

    /** The side of a square image of {@code features} pixels, or -1 when it is not a square. */
    public static int side(int features) {
        int s = (int) Math.round(Math.sqrt(features));
        return s >= 2 && s * s == features ? s : -1;
    }

    /** How far the Gaussian reaches: ⌊4σ + ½⌋ pixels (SciPy's gaussian_filter default), 0 for σ = 0. */
    public static int radius(float sigma) {
        return (int) (4.0 * sigma + 0.5);
    }

    /**
     * The normalised Gaussian's taps 0..min(radius, side − 1) (it is symmetric; taps past the
     * image never meet a pixel): exp(−k²/2σ²) over the sum of all 2·radius + 1, in double, rounded once.
     */
    public static float[] taps(float sigma, int side) {
        int r = radius(sigma);
        if (r == 0) {
            return new float[] {1f};
        }
        double twoS2 = 2.0 * sigma * sigma;
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            sum += Math.exp(-(double) k * k / twoS2);
        }
        float[] g = new float[Math.min(r, side - 1) + 1];
        for (int k = 0; k < g.length; k++) {
            g[k] = (float) (Math.exp(-(double) k * k / twoS2) / sum);
        }
        return g;
    }

    /** The uniform(−1, 1) of a Philox word: exact in float32. */
    public static float uniform(int word) {
        return (2 * (word >>> 8) + 1 - 16777216) * 0x1p-24f;
    }

    /** Deforms {@code rows} images of src into dst (both rows × side², row-major), image r keyed by firstRow + r. */
    public void apply(float[] src, float[] dst, int rows, int side, long seed, int epoch, int firstRow) {
        int p = side * side;
        if (src.length < rows * p || dst.length < rows * p) {
            throw new IllegalArgumentException("deformImages: " + rows + " images of " + side + "x" + side
                    + " need " + rows * p + " values, got " + src.length + " and " + dst.length);
        }
        float[] g = taps(sigma, side);
        float[] scratch = new float[4 * p];
        for (int r = 0; r < rows; r++) {
            apply(src, r * p, dst, r * p, side, g, seed, epoch, firstRow + r, scratch);
        }
    }

    /**
     * One image: draws its parameters and field for (seed, epoch, row), then {@link #warp}s.
     * {@code taps} from {@link #taps}; {@code scratch} holds at least 4·side² floats.
     */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset, int side, float[] taps, long seed,
                      int epoch, int row, float[] scratch) {
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        int[] a = Philox.block(0, row, epoch, STREAM, k0, k1);
        int[] b = Philox.block(1, row, epoch, STREAM, k0, k1);
        float theta = 0f, gx = 1f, gy = 1f, tx = 0f, ty = 0f;
        if (affine) {
            theta = (float) (rotate * Math.PI / 180.0) * uniform(a[0]);
            gx = 1f + scale * uniform(a[1]);
            gy = 1f + scale * uniform(a[2]);
            tx = shift * uniform(a[3]);
            ty = shift * uniform(b[0]);
        }
        int p = side * side;
        if (elastic) {
            for (int i = 0; i < p; i += 2) {
                int[] w = Philox.block(2 + i / 2, row, epoch, STREAM, k0, k1);
                scratch[i] = uniform(w[0]);
                scratch[p + i] = uniform(w[1]);
                if (i + 1 < p) {
                    scratch[i + 1] = uniform(w[2]);
                    scratch[p + i + 1] = uniform(w[3]);
                }
            }
            smooth(scratch, 0, scratch, 2 * p, side, taps, alpha);
            smooth(scratch, p, scratch, 3 * p, side, taps, alpha);
        }
        warp(src, srcOffset, dst, dstOffset, side, theta, gx, gy, tx, ty, elastic ? scratch : null, 2 * p);
    }

    /**
     * out = α·(G * noise), the separable Gaussian: rows first into out, then columns back from it,
     * each sum over the taps inside the image in increasing offset. noise and out are side² long
     * at their offsets; noise is overwritten (it holds the row pass).
     */
    static void smooth(float[] noise, int in, float[] out, int at, int side, float[] taps, float alpha) {
        int reach = taps.length - 1;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float s = 0f;
                for (int k = Math.max(-reach, -x); k <= Math.min(reach, side - 1 - x); k++) {
                    s += taps[Math.abs(k)] * noise[in + y * side + x + k];
                }
                out[at + y * side + x] = s;
            }
        }
        System.arraycopy(out, at, noise, in, side * side);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float s = 0f;
                for (int k = Math.max(-reach, -y); k <= Math.min(reach, side - 1 - y); k++) {
                    s += taps[Math.abs(k)] * noise[in + (y + k) * side + x];
                }
                out[at + y * side + x] = alpha * s;
            }
        }
    }

    /**
     * The plain warp with given parameters: dst(x, y) = bilinear(src, sx', sy') as the class
     * comment defines it; {@code field} (null: none) holds the elastic displacements per
     * destination pixel, the side² x-displacements from {@code fieldOffset}, then the side² y ones.
     */
    public static void warp(float[] src, int srcOffset, float[] dst, int dstOffset, int side, float theta, float gx,
                            float gy, float tx, float ty, float[] field, int fieldOffset) {
        int p = side * side;
        float c = (side - 1) * 0.5f;
        float cos = (float) Math.cos(theta), sin = (float) Math.sin(theta);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float u = x - c - tx, v = y - c - ty;
                float sx = c + (cos * u + sin * v) / gx;
                float sy = c + (-sin * u + cos * v) / gy;
                if (field != null) {
                    sx += field[fieldOffset + y * side + x];
                    sy += field[fieldOffset + p + y * side + x];
                }
                dst[dstOffset + y * side + x] = bilinear(src, srcOffset, side, sx, sy);
            }
        }
    }

    /** The image at (sx, sy) by bilinear interpolation of its four neighbours, 0 outside. */
    static float bilinear(float[] src, int offset, int side, float sx, float sy) {
        float fx = (float) Math.floor(sx), fy = (float) Math.floor(sy);
        if (!(fx > -2 && fy > -2 && fx < side && fy < side)) {
            return 0f;
        }
        int x0 = (int) fx, y0 = (int) fy;
        float ax = sx - fx, ay = sy - fy;
        float p00 = pixel(src, offset, side, x0, y0), p10 = pixel(src, offset, side, x0 + 1, y0);
        float p01 = pixel(src, offset, side, x0, y0 + 1), p11 = pixel(src, offset, side, x0 + 1, y0 + 1);
        float top = p00 + ax * (p10 - p00);
        float bottom = p01 + ax * (p11 - p01);
        return top + ay * (bottom - top);
    }

    private static float pixel(float[] src, int offset, int side, int x, int y) {
        return x < 0 || y < 0 || x >= side || y >= side ? 0f : src[offset + y * side + x];
    }
}
