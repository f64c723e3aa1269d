package org.backprop.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The property every reader's fuzz target checks: an input either loads as a consistent
 * dataset or model, or is refused with our own {@link DataException}; anything else (a runtime
 * exception, an {@code OutOfMemoryError} within the fuzzing JVM's heap) is a finding.
 */
public final class ReaderFuzzTargets {

    private static Path scratch;

    private ReaderFuzzTargets() { }

    /** One temporary file per JVM, rewritten for each input, for readers that need a file. */
    public static synchronized Path file(byte[] input, String suffix) {
        try {
            if (scratch == null) {
                scratch = Files.createTempDirectory("backprop-fuzz");
                scratch.toFile().deleteOnExit();
            }
            Path f = scratch.resolve("input" + suffix);
            Files.write(f, input);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a reader's load-and-check; our own {@link DataException} is a proper refusal, anything else escapes. */
    public static void loadOrRefuse(Runnable loadAndCheck) {
        try {
            loadAndCheck.run();
        } catch (DataException expected) {
            // our own, one-line refusal
        }
    }

    /** Checks what a loaded dataset promises. */
    public static void check(Dataset d) {
        if ((long) d.size() * d.featureCount() != d.features().length || d.classes() < 1) {
            throw new AssertionError("inconsistent dataset " + d);
        }
        for (int label : d.labels()) {
            if (label < 0 || label >= d.classes()) {
                throw new AssertionError("label " + label + " outside 0.." + (d.classes() - 1));
            }
        }
        for (float v : d.features()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError("non-finite feature " + v);
            }
        }
    }
}
