package org.backprop.data;

import java.util.Locale;
import java.util.Random;

/**
 * Seeded two-dimensional toy sets, the lectures' case for a hidden layer: no straight line
 * separates their classes. The same (name, n, seed) gives the same points on every JDK
 * ({@link Random} is specified bit for bit).
 * <ul>
 *   <li>{@code xor}: four Gaussian blobs (σ 0.2) at (±1, ±1); class 1 where x and y differ in sign.</li>
 *   <li>{@code circles}: a ring of radius 0.5 (class 1) inside one of radius 1 (class 0), noise σ 0.05.</li>
 *   <li>{@code moons}: two interleaved half circles (scikit-learn's make_moons), noise σ 0.1.</li>
 * </ul>
 */
public final class Synthetic {

    /** The names {@link #generate} knows. */
    public static final String NAMES = "xor, circles or moons";

    private Synthetic() { }

    public static boolean isName(String s) {
        String k = s.toLowerCase(Locale.ROOT);
        return k.equals("xor") || k.equals("circles") || k.equals("moons");
    }

    /** n points of the named set, classes alternating so each has n/2 (±1). */
    public static Dataset generate(String name, int n, long seed) {
        if (n < 2) {
            throw new IllegalArgumentException(name + ": needs at least 2 points, got " + n);
        }
        Random r = new Random(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        String k = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            double a, b;
            switch (k) {
                case "xor" -> {
                    double sx = r.nextBoolean() ? 1 : -1;
                    double sy = label == 1 ? -sx : sx;
                    a = sx + 0.2 * r.nextGaussian();
                    b = sy + 0.2 * r.nextGaussian();
                }
                case "circles" -> {
                    double t = 2 * Math.PI * r.nextDouble();
                    double radius = label == 1 ? 0.5 : 1.0;
                    a = radius * Math.cos(t) + 0.05 * r.nextGaussian();
                    b = radius * Math.sin(t) + 0.05 * r.nextGaussian();
                }
                case "moons" -> {
                    double t = Math.PI * r.nextDouble();
                    a = label == 0 ? Math.cos(t) : 1 - Math.cos(t);
                    b = label == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
                    a += 0.1 * r.nextGaussian();
                    b += 0.1 * r.nextGaussian();
                }
                default -> throw new IllegalArgumentException("unknown synthetic set '" + name + "': expected " + NAMES);
            }
            x[2 * i] = (float) a;
            x[2 * i + 1] = (float) b;
            y[i] = label;
        }
        return new Dataset(k, x, y, 2, 2);
    }
}
