package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When full MNIST cannot be had, training runs on the bundled sample and the model says so. */
class MnistFallbackTest {

    @TempDir Path dir;

    @Test
    void aRunThatFellBackToTheSampleRecordsTheSampleAsItsData() throws Exception {
        // a cache "directory" that is a plain file: nothing can be read or fetched into it
        Path notADirectory = Files.writeString(dir.resolve("cache"), "not a folder");
        DataArgs args = new DataArgs();
        args.data = "mnist";
        args.cache = notADirectory;
        DataArgs.TrainTest tt = args.load(42, null);
        assertTrue(tt.description().contains("full MNIST unavailable"), tt.description());
        assertEquals("mnist-sample", tt.metadata().get("data.source"));
    }
}
