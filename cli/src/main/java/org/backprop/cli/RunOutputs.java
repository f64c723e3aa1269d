package org.backprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop.data.Text;
import org.backprop.io.OutputFile;

/**
 * The files a training run will write, claimed before its first epoch, so that a bad path fails
 * in a second instead of after the last epoch: each must be a regular file or absent (links are
 * followed), its directory writable, and no other process writing it; the claims (locks) last
 * the whole run. A model or checkpoint file that already exists and that this run did not
 * resume from is another run's work: replacing it takes {@code --overwrite}.
 */
final class RunOutputs implements AutoCloseable {

    private final List<OutputFile> claims = new ArrayList<>();
    private Path lastCheckpoint;
    private int lastCheckpointEpoch;

    private RunOutputs() { }

    /**
     * @param models     {@code --save} and (with {@code --checkpoint-every}) {@code --checkpoint}, each
     *                   with its option name; null paths are skipped
     * @param plot       {@code --plot} or null (a picture: replaced without asking)
     * @param resumed    the checkpoint this run continues, which it may overwrite, or null
     */
    static RunOutputs claim(List<String> optionNames, List<Path> models, Path plot, Path resumed, boolean overwrite) {
        RunOutputs out = new RunOutputs();
        try {
            for (int i = 0; i < models.size(); i++) {
                Path p = models.get(i);
                if (p == null) {
                    continue;
                }
                if (!overwrite && OutputFile.exists(p) && !sameFile(p, resumed)) {
                    throw new IllegalArgumentException(optionNames.get(i) + " " + Text.printable(p.toString())
                            + " already exists and this run did not write it: pass --overwrite to replace it,"
                            + " --resume it to continue that run, or choose another file");
                }
                out.claims.add(OutputFile.claim(p));
            }
            if (plot != null) {
                out.claims.add(OutputFile.claim(plot));
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
        return out;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return b != null && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Records a checkpoint this run has written, the only kind a divergence message may point to. */
    void wroteCheckpoint(Path file, int epoch) {
        lastCheckpoint = file;
        lastCheckpointEpoch = epoch;
    }

    /** What to add to a divergence message: the last checkpoint this run wrote, if any. */
    String lastGoodCheckpoint(boolean checkpointing) {
        if (lastCheckpoint != null) {
            return "; the last good checkpoint is " + lastCheckpoint + " (epoch " + lastCheckpointEpoch + ")";
        }
        return checkpointing ? "; this run wrote no checkpoint before it diverged" : "";
    }

    @Override
    public void close() {
        for (OutputFile c : claims) {
            c.close();
        }
        claims.clear();
    }
}
