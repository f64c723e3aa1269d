package org.backprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.backprop.io.ModelState;
import picocli.CommandLine.Option;

/** {@code --model}: the saved model that eval, predict and inspect read. */
final class SavedModelOption {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A checkpoint or .npz written by train --save.")
    Path file;

    /** A missing file is a usage error naming --model; the commands check it before their other options. */
    void requireFile() {
        DataArgs.requireFile(file, "--model");
    }

    /** The saved weights and settings. */
    ModelState read() throws IOException {
        return TrainCommand.readWeights(file);
    }
}
