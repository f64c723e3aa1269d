package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.backprop.data.CsvTable;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.IdxReader;
import org.backprop.data.Mnist;
import org.backprop.data.MnistFetcher;
import org.backprop.data.Synthetic;
import org.backprop.data.TableSpec;

/** Turns a {@code --data} value into a training and a test set. */
final class DataSources {

    /** Points in a synthetic training set when --data names none ("xor" rather than "xor:1000"). */
    static final int DEFAULT_SYNTHETIC = 400;

    private DataSources() { }

    /** A source other than a CSV file: a toy set, MNIST (the cache or the bundled sample), or MNIST-format files. */
    static DataArgs.TrainTest load(String source, Path cache, long seed, Logger log) {
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
                    DataArgs.TrainTest t = load("mnist-sample", cache, seed, log);
                    // the model must not say it saw MNIST: eval and resume read data.source
                    return new DataArgs.TrainTest(t.train(), t.test(), t.description() + " (full MNIST unavailable)",
                            null, null, Map.of("data.source", "mnist-sample"), true, null);
                }
            }
            default -> {
                Path p = Path.of(s);
                if (Files.isDirectory(p)) {
                    Dataset.Split sp = Mnist.load(p);
                    return new DataArgs.TrainTest(sp.train(), sp.test(), "MNIST-format files in " + p);
                }
                throw new IllegalArgumentException("--data: '" + s + "' is not mnist, mnist-sample, xor, circles, moons,"
                        + " a directory or an existing CSV file");
            }
        }
    }

    /** A CSV file with a detected header; {@code delimiter} null sniffs it. Notes about the file go to stderr. */
    static CsvTable readTable(Path file, Character delimiter) {
        CsvTable t = CsvTable.read(file, CsvTable.Header.AUTO, delimiter);
        DataArgs.note(t.notes());
        return t;
    }

    /** Every row of a labelled CSV file (a test set) encoded as a saved spec says. */
    static TableSpec.Encoded encode(TableSpec spec, Path file, Character delimiter) {
        TableSpec.Encoded e = spec.apply(readTable(file, delimiter), true);
        DataArgs.note(e.notes());
        return e;
    }

    /** Whether a --data value names a CSV file (an existing regular file, or a name ending .csv, .tsv, .txt). */
    static boolean isCsvSource(String source) {
        Path p = Path.of(source.trim());
        return Files.isRegularFile(p) || isCsv(p);
    }

    static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(csv|tsv|txt)");
    }

    /** Unlabelled rows for predict from an IDX image file, pixels scaled to [0, 1] as MNIST training scales them. */
    static Dataset readImages(Path input) {
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
