package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import org.backprop.data.CsvReader;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.IdxReader;
import org.backprop.data.Mnist;
import org.backprop.data.MnistFetcher;
import org.backprop.data.Synthetic;

/** Turns a {@code --data} value into a training and a test set. */
final class DataSources {

    /** Points in a synthetic training set when --data names none ("xor" rather than "xor:1000"). */
    static final int DEFAULT_SYNTHETIC = 400;

    private DataSources() { }

    static DataArgs.TrainTest load(String source, Path testFile, double testSplit, String label, Path cache,
                                   long seed, Logger log) {
        String s = source.trim();
        String head = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        if (Synthetic.isName(head)) {
            int n = DEFAULT_SYNTHETIC;
            if (s.contains(":")) {
                String count = s.substring(s.indexOf(':') + 1).trim();
                try {
                    n = Integer.parseInt(count);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 4 || n > 10_000_000) {
                    throw new IllegalArgumentException("--data " + s + ": '" + count
                            + "' is not a point count between 4 and 10000000");
                }
            }
            // the test points are a second draw of the same distribution, never the training points
            Dataset train = Synthetic.generate(head, n, seed);
            Dataset test = Synthetic.generate(head, Math.max(4, n / 4), seed + 1);
            return new DataArgs.TrainTest(train, test, head.toLowerCase(Locale.ROOT) + " (synthetic, seed " + seed + "): "
                    + train.size() + " training and " + test.size() + " test points");
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "mnist-sample" -> {
                Dataset.Split sp = Mnist.sample();
                return new DataArgs.TrainTest(sp.train(), sp.test(), "bundled MNIST sample, "
                        + sp.train().size() + " training and " + sp.test().size() + " test images");
            }
            case "mnist" -> {
                Path dir = cache != null ? cache : MnistFetcher.defaultCacheDir();
                try {
                    Dataset.Split sp = Mnist.loadOrFetch(dir, log::info);
                    return new DataArgs.TrainTest(sp.train(), sp.test(), "MNIST from " + dir + ", "
                            + sp.train().size() + " training and " + sp.test().size() + " test images");
                } catch (DataException | java.io.UncheckedIOException e) {
                    log.warning("full MNIST unavailable (" + e.getMessage() + "); falling back to the bundled sample");
                    DataArgs.TrainTest t = load("mnist-sample", null, testSplit, label, cache, seed, log);
                    return new DataArgs.TrainTest(t.train(), t.test(), t.description() + " (full MNIST unavailable)");
                }
            }
            default -> {
                Path p = Path.of(s);
                if (Files.isDirectory(p)) {
                    Dataset.Split sp = Mnist.load(p);
                    return new DataArgs.TrainTest(sp.train(), sp.test(), "MNIST-format files in " + p);
                }
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("--data: '" + s + "' is not mnist, mnist-sample, xor, circles, moons,"
                            + " a directory or an existing CSV file");
                }
                CsvReader.Options opts = CsvReader.Options.defaults().withLabel(label);
                Dataset train = CsvReader.read(p, opts);
                if (testFile != null) {
                    DataArgs.requireFile(testFile, "--test");
                    Dataset test = CsvReader.read(testFile, opts.withClassNames(train.classNames()));
                    if (test.featureCount() != train.featureCount()) {
                        throw new DataException(testFile + " has " + test.featureCount() + " feature columns but the"
                                + " training set " + p + " has " + train.featureCount());
                    }
                    return new DataArgs.TrainTest(train, test, p + " (" + train.size() + " rows) with test set "
                            + testFile + " (" + test.size() + " rows)");
                }
                Dataset.Split sp = train.split(testSplit, seed);
                return new DataArgs.TrainTest(sp.train(), sp.test(), p + ": " + sp.train().size() + " training rows, "
                        + sp.test().size() + " held out (--test-split " + testSplit + ", seed " + seed + ")");
            }
        }
    }

    /**
     * The feature column names of a CSV source whose first row is a header (a non-numeric cell),
     * in column order without the label column; null for any other source, or when the header does
     * not give exactly {@code features} names.
     */
    static List<String> csvFeatureNames(String source, String label, int features) {
        Path p = Path.of(source.trim());
        if (!Files.isRegularFile(p) || !isCsv(p)) {
            return null;
        }
        String first;
        try (java.io.BufferedReader r = Files.newBufferedReader(p, java.nio.charset.StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return null;
        }
        if (first == null) {
            return null;
        }
        char sep = ',';
        int best = -1;
        for (char c : new char[] {',', ';', '\t'}) {
            int n = first.length() - first.replace(String.valueOf(c), "").length();
            if (n > best) {
                best = n;
                sep = c;
            }
        }
        List<String> cells = new java.util.ArrayList<>();
        for (String c : first.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1)) {
            cells.add(c.trim().replace("\"", ""));
        }
        boolean header = cells.stream().anyMatch(c -> {
            try {
                Double.parseDouble(c);
                return false;
            } catch (NumberFormatException e) {
                return true;
            }
        });
        if (!header) {
            return null;
        }
        int labelColumn = label != null ? cells.indexOf(label) : cells.size() - 1;
        if (labelColumn < 0) {
            return null;
        }
        cells.remove(labelColumn);
        return cells.size() == features ? cells : null;
    }

    static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(csv|tsv|txt)");
    }

    /**
     * Rows for predict: a CSV laid out like the training file (its label column is read and
     * reported beside each prediction), or an IDX image file (pixels scaled to [0, 1], no labels).
     */
    static Dataset readFeatures(Path input, String label) {
        if (isCsv(input)) {
            return CsvReader.read(input, CsvReader.Options.defaults().withLabel(label));
        }
        IdxReader.IdxArray images = IdxReader.read(input);
        if (images.dims().length < 2) {
            throw new DataException(input + ": an IDX file of " + images.dims().length
                    + " dimension holds labels, not images: give the images file");
        }
        int per = images.recordSize();
        byte[] raw = images.data();
        float[] x = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            x[i] = (raw[i] & 0xFF) / 255f;
        }
        return new Dataset(input.getFileName().toString(), x, new int[images.count()], per, 1);
    }
}
