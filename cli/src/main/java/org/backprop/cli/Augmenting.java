package org.backprop.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.backprop.charts.DeformationPreview;
import org.backprop.data.Dataset;
import org.backprop.data.Deformation;
import org.backprop.data.Synthetic;

/** {@code --augment} and its parameters: their checks before the data loads, the recipe's deformation, the preview. */
final class Augmenting {

    /** Images drawn by --augment-preview, and deformed versions of each (one per epoch). */
    static final int PREVIEW_IMAGES = 6;
    static final int PREVIEW_VERSIONS = 7;

    private Augmenting() { }

    /**
     * Parameters without the deformation they belong to, and --augment on data that is not made of
     * square images (a CSV table, a 2-D toy set), refused one line each before the data is read.
     */
    static void refuseNonApplying(RunOptions r, OutputOptions o, String source) {
        String kind = r.augment == null ? null : r.augment.trim().toLowerCase(Locale.ROOT);
        boolean affine = kind != null && kind.contains("affine");
        boolean elastic = kind != null && kind.contains("elastic");
        for (Object[] p : new Object[][] {{"--rotate", r.rotate}, {"--scale", r.scale}, {"--shift", r.shift}}) {
            if (p[1] != null && !affine) {
                throw new IllegalArgumentException(p[0] + " is a parameter of --augment affine (or affine+elastic);"
                        + (kind == null ? " give --augment too" : " leave it out with --augment " + kind));
            }
        }
        for (Object[] p : new Object[][] {{"--elastic-sigma", r.elasticSigma}, {"--elastic-alpha", r.elasticAlpha}}) {
            if (p[1] != null && !elastic) {
                throw new IllegalArgumentException(p[0] + " is a parameter of --augment elastic (or affine+elastic);"
                        + (kind == null ? " give --augment too" : " leave it out with --augment " + kind));
            }
        }
        of(r);   // the kind and the parameters' ranges, each refusal naming its option
        if (o.augmentPreview != null && kind == null && r.resume == null) {
            throw new IllegalArgumentException("--augment-preview draws the deformations of --augment: give --augment");
        }
        if (kind != null && source != null) {
            String s = source.trim();
            String head = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
            if (Synthetic.isName(head.toLowerCase(Locale.ROOT)) || DataSources.isCsvSource(s)) {
                throw new IllegalArgumentException("--augment deforms images (MNIST and other square images), and --data "
                        + s + " is " + (Synthetic.isName(head.toLowerCase(Locale.ROOT)) ? "a 2-D toy set" : "a table")
                        + "; leave --augment out");
            }
        }
    }

    /** The deformation the options ask for, with their parameters over the defaults (null: none). */
    static Deformation of(RunOptions r) {
        if (r.augment == null) {
            return null;
        }
        Deformation d = Deformation.parse(r.augment);
        return d.withAffine(r.rotate != null ? r.rotate : d.rotate(), r.scale != null ? r.scale : d.scale(),
                r.shift != null ? r.shift : d.shift())
                .withElastic(r.elasticSigma != null ? r.elasticSigma : d.sigma(),
                        r.elasticAlpha != null ? r.elasticAlpha : d.alpha());
    }

    /**
     * The first training images beside their deformations in epochs 1, 2, ... at the same position
     * of the epoch, as training draws them with {@code seed}.
     */
    static void preview(Deformation d, Dataset train, long seed, Path png) {
        int side = Deformation.side(train.featureCount());
        if (side < 0) {
            throw new IllegalArgumentException("--augment-preview draws square images, and " + train.featureCount()
                    + " features are not one");
        }
        int n = Math.min(PREVIEW_IMAGES, train.size());
        int p = side * side;
        float[] features = train.features();
        float[][] originals = new float[n][];
        float[][][] deformed = new float[n][PREVIEW_VERSIONS][p];
        for (int i = 0; i < n; i++) {
            originals[i] = java.util.Arrays.copyOfRange(features, i * p, (i + 1) * p);
            for (int k = 0; k < PREVIEW_VERSIONS; k++) {
                d.apply(originals[i], deformed[i][k], 1, side, seed, k + 1, i);
            }
        }
        DeformationPreview.draw(originals, deformed, side, "Training images and their deformations",
                d.describe() + ", seed " + seed + "; one column per epoch 1-" + PREVIEW_VERSIONS, png);
    }
}
