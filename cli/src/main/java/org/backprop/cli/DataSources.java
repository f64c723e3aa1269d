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
                Dataset train = CsvReader.read(p, label);
                if (testFile != null) {
                    DataArgs.requireFile(testFile, "--test");
                    Dataset test = CsvReader.read(testFile, label, train.classNames());
                    return new DataArgs.TrainTest(train, test, p + " (" + train.size() + " rows) with test set "
                            + testFile + " (" + test.size() + " rows)");
                }
                Dataset.Split sp = train.split(testSplit, seed);
                return new DataArgs.TrainTest(sp.train(), sp.test(), p + ": " + sp.train().size() + " training rows, "
                        + sp.test().size() + " held out (--test-split " + testSplit + ", seed " + seed + ")");
            }
        }
    }

    /** Feature rows for predict: an IDX image file or a CSV. */
    static Dataset readFeatures(Path input, String label, boolean noLabel) {
        if (IdxReader.looksLikeIdx(input)) {
            return IdxReader.readImagesAsDataset(input);
        }
        return noLabel ? CsvReader.readUnlabelled(input) : CsvReader.read(input, label);
    }
}
