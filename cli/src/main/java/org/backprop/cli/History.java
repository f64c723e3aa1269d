package org.backprop.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.backprop.nn.EpochStats;

/**
 * {@code train --history}: one row per epoch, Keras's names (loss, accuracy, val_loss,
 * val_accuracy), the test metrics when the test set is what the epoch was scored on, the rate
 * and the time; CSV or JSON Lines by the file's extension. Each row is flushed as it is written,
 * so a crash loses at most the epoch in flight; a resumed run appends.
 */
final class History implements AutoCloseable {

    private static final String HEADER = "epoch,loss,accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds";
    /** A regression's columns: no accuracy. */
    private static final String REGRESSION_HEADER = "epoch,loss,val_loss,test_loss,lr,seconds";

    private final BufferedWriter out;
    private final boolean json;
    private final boolean regression;

    private History(BufferedWriter out, boolean json, boolean regression) {
        this.out = out;
        this.json = json;
        this.regression = regression;
    }

    static boolean isSupported(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".jsonl");
    }

    /** Opens {@code p} anew, or for appending when {@code append} and it already holds rows. */
    static History open(Path p, boolean append, boolean regression) {
        boolean json = p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
        try {
            boolean continuing = append && Files.isRegularFile(p) && Files.size(p) > 0;
            BufferedWriter w = continuing
                    ? Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
                    : Files.newBufferedWriter(p, StandardCharsets.UTF_8);
            if (!continuing && !json) {
                w.write(regression ? REGRESSION_HEADER : HEADER);
                w.newLine();
                w.flush();
            }
            return new History(w, json, regression);
        } catch (IOException e) {
            throw new UncheckedIOException("--history: cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    void write(EpochStats s) {
        // "train" (--test-split 0): the epoch was scored on the training set, which is neither column
        boolean val = s.monitor().equals("val"), test = s.monitor().equals("test");
        String vl = val ? num(s.testLoss()) : null, va = val ? num(s.testAccuracy()) : null;
        String tl = test ? num(s.testLoss()) : null, ta = test ? num(s.testAccuracy()) : null;
        try {
            if (regression) {
                writeRegression(s, vl, tl);
            } else if (json) {
                out.write(String.format(Locale.ROOT, "{\"epoch\": %d, \"loss\": %s, \"accuracy\": %s, \"val_loss\": %s,"
                                + " \"val_accuracy\": %s, \"test_loss\": %s, \"test_accuracy\": %s, \"lr\": %s, \"seconds\": %s}",
                        s.epoch(), num(s.trainLoss()), num(s.trainAccuracy()), orNull(vl), orNull(va), orNull(tl),
                        orNull(ta), num(s.learningRate()), num(s.seconds())));
            } else {
                out.write(String.join(",", Integer.toString(s.epoch()), num(s.trainLoss()), num(s.trainAccuracy()),
                        orEmpty(vl), orEmpty(va), orEmpty(tl), orEmpty(ta), num(s.learningRate()), num(s.seconds())));
            }
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("--history: cannot write: " + e.getMessage(), e);
        }
    }

    private void writeRegression(EpochStats s, String vl, String tl) throws IOException {
        if (json) {
            out.write(String.format(Locale.ROOT, "{\"epoch\": %d, \"loss\": %s, \"val_loss\": %s, \"test_loss\": %s,"
                    + " \"lr\": %s, \"seconds\": %s}", s.epoch(), num(s.trainLoss()), orNull(vl), orNull(tl),
                    num(s.learningRate()), num(s.seconds())));
        } else {
            out.write(String.join(",", Integer.toString(s.epoch()), num(s.trainLoss()), orEmpty(vl), orEmpty(tl),
                    num(s.learningRate()), num(s.seconds())));
        }
    }

    private static String num(double v) {
        // training stops at the first non-finite loss, so this only guards the file format
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String orNull(String s) {
        return s == null ? "null" : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // every row was flushed when written
        }
    }
}
