package org.backprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.backprop.data.Text;
import org.backprop.io.OutputFile;
import org.backprop.nn.TrainResult;
import picocli.CommandLine.ParseResult;

/** Where the checkpoint of a Ctrl-C'd run goes, how it records the batch, and the line that says how to resume. */
final class InterruptedRun {

    /** Checkpoint metadata: batches of epoch {@code epoch + 1} done when the run was interrupted. */
    static final String BATCHES_DONE = "batches-done";

    /** Options of the interrupted command that the resume command repeats: where its data and outputs are. */
    private static final List<String> REPEATED = List.of("--cache", "--test", "--label", "--save", "--history",
            "--plot", "--backend", "--threads");

    private InterruptedRun() { }

    /**
     * {@code --checkpoint}, else the checkpoint being resumed, else {@code fallback} beside
     * {@code --save} (or in the current directory). A file there that this run may not replace
     * (the {@code --overwrite} rule) is left alone: the checkpoint takes the first free
     * {@code name-1.bpm}, {@code name-2.bpm}, ...
     */
    static Path checkpointFile(Path checkpoint, Path resume, Path save, boolean checkpointing, boolean overwrite,
                               Path fallback) {
        Path target;
        if (checkpoint != null) {
            target = checkpoint;
        } else if (resume != null) {
            return resume;   // this run's own file
        } else {
            Path dir = save != null ? save.toAbsolutePath().getParent() : null;
            target = dir != null ? dir.resolve(fallback.getFileName()) : fallback;
        }
        if (overwrite || !OutputFile.exists(target) || (checkpointing && target.equals(checkpoint))
                || sameFile(target, resume)) {
            return target;
        }
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 1; i < 10_000; i++) {
            Path p = target.resolveSibling(stem + "-" + i + ext);
            if (!OutputFile.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free file name beside " + target + " for the interrupted run's checkpoint");
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return b != null && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** The batches done that a checkpoint records, 0 for one written at an epoch boundary. */
    static int batchesDone(Map<String, String> metadata, String where) {
        String v = metadata.get(BATCHES_DONE);
        if (v == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0 && n < 1 << 30) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(where + ": '" + BATCHES_DONE + "' is " + Text.printable(v)
                + ", must be a count of batches");
    }

    /** "interrupted in epoch 3 after batch 120 of 469: checkpoint F; resume with: backprop train --resume F". */
    static String line(TrainResult.Interruption at, Path file, ParseResult given) {
        String where = at.batchesDone() > 0
                ? "interrupted in epoch " + (at.completedEpochs() + 1) + " after batch " + at.batchesDone() + " of "
                        + at.batchesPerEpoch()
                : "interrupted after epoch " + at.completedEpochs();
        StringBuilder cmd = new StringBuilder("backprop train --resume ").append(quote(file.toString()));
        if (given != null) {
            for (String option : REPEATED) {
                if (given.hasMatchedOption(option)) {
                    for (String v : given.matchedOption(option).stringValues()) {
                        cmd.append(' ').append(option).append(' ').append(quote(v));
                    }
                }
            }
        }
        return where + ": checkpoint " + file + "; resume with: " + cmd;
    }

    /** A word as a POSIX shell reads it back. */
    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=+,@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
