package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import org.backprop.data.CsvReader;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.IdxReader;
import org.backprop.data.Mnist;
import org.backprop.data.MnistFetcher;

/** Turns a {@code --data} value into a training and a test set. */
final class DataSources {

    private DataSources() { }

    static DataArgs.TrainTest load(String source, Path testFile, double testSplit, String label, Path cache,
                                   long seed, Logger log) {
        String s = source.trim();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "mnist-sample" -> {
                Dataset.Split sp = Mnist.sample();
                return new DataArgs.TrainTest(sp.train(), sp.test(), "bundled MNIST sample, "
                        + sp.train().size() + " training and " + sp.test().size() + " test images");
            }
            case "mnist" -> {
                Path dir = cache != null ? cache : MnistFetcher.defaultCacheDir();
                try {
                    if (!Mnist.present(dir)) {
                        log.info("MNIST is not in " + dir + "; fetching it");
                        MnistFetcher.fetch(dir, Optional.empty());
                    }
                    Dataset.Split sp = Mnist.load(dir);
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
                    throw new IllegalArgumentException("--data: '" + s + "' is not mnist, mnist-sample, a directory"
                            + " or an existing CSV file");
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
