package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Input dropout, max-norm, the momentum ramp, ρ and ε: they train, are saved, resume, and are refused where they do not apply. */
class TrainingOptionsTest {

    @TempDir Path dir;

    private static final String[] SMALL = {"--data", "mnist-sample", "--layers", "16", "--batch", "500",
            "--backend", "cpu", "--no-progress"};

    private static String[] with(String... more) {
        String[] args = new String[1 + SMALL.length + more.length];
        args[0] = "train";
        System.arraycopy(SMALL, 0, args, 1, SMALL.length);
        System.arraycopy(more, 0, args, 1 + SMALL.length, more.length);
        return args;
    }

    @Test
    void theOptionsTrainAreSavedAndResume() {
        Path saved = dir.resolve("run.bpm");
        Cli.Run r = Cli.run(with("--optimizer", "nesterov", "--lr", "0.05", "--momentum-ramp", "0.5:0.99:20",
                "--input-dropout", "0.2", "--dropout", "0.3", "--max-norm", "2.5", "--epochs", "1",
                "--save", saved.toString()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("max-norm 2.5, batch "), "the model line names the constraint: " + r.out());
        Map<String, String> m = Checkpoint.load(saved).metadata();
        assertEquals("0.5:0.99:20", m.get("momentum-ramp"));
        assertEquals("0.2", m.get("input-dropout"));
        assertEquals("2.5", m.get("max-norm"));
        // every hidden unit's incoming weights (a column of the 784×16 matrix) end with norm ≤ 2.5
        float[] w = Checkpoint.load(saved).layers().get(0).weights();
        for (int j = 0; j < 16; j++) {
            double sq = 0;
            for (int i = 0; i < 784; i++) {
                sq += (double) w[i * 16 + j] * w[i * 16 + j];
            }
            assertTrue(Math.sqrt(sq) <= 2.5 * (1 + 1e-5), "unit " + j + " has norm " + Math.sqrt(sq));
        }
        Path more = dir.resolve("more.bpm");
        Cli.Run resumed = Cli.run("train", "--resume", saved.toString(), "--backend", "cpu", "--epochs", "2",
                "--max-norm", "2.5", "--momentum-ramp", "0.5:0.99:20", "--save", more.toString(), "--no-progress");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("epoch 2/2"), resumed.out());
        assertEquals("2.5", Checkpoint.load(more).metadata().get("max-norm"));
        Cli.Run conflict = Cli.run("train", "--resume", saved.toString(), "--backend", "cpu", "--epochs", "2",
                "--max-norm", "3");
        assertEquals(Main.USAGE, conflict.exit(), conflict.out());
        assertTrue(conflict.err().contains("--max-norm 3 conflicts with the checkpoint's max-norm 2.5;"), conflict.err());
    }

    @Test
    void rmspropTakesRhoAndEps() {
        Path saved = dir.resolve("rms.bpm");
        Cli.Run r = Cli.run(with("--optimizer", "rmsprop", "--rho", "0.9", "--eps", "1e-7", "--epochs", "1",
                "--save", saved.toString()));
        assertEquals(0, r.exit(), r.err());
        Map<String, String> m = Checkpoint.load(saved).metadata();
        assertEquals("0.9", m.get("rho"));
        assertEquals("1.0E-7", m.get("eps"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--momentum-ramp 0.5:0.99:100|--momentum-ramp applies to --optimizer momentum or nesterov, not adam",
            "--optimizer momentum --momentum 0.9 --momentum-ramp 0.5:0.99:100|--momentum-ramp sets the momentum",
            "--optimizer momentum --momentum-ramp 0.5:0.99|--momentum-ramp must be START:END:STEPS",
            "--optimizer momentum --momentum-ramp 0.5:1.5:10|--momentum-ramp momenta must be in [0, 1)",
            "--optimizer sgd --rho 0.9|--rho applies to --optimizer rmsprop, not sgd",
            "--optimizer momentum --eps 1e-6|--eps applies to --optimizer rmsprop, adam or adamw, not momentum",
            "--optimizer rmsprop --rho 1|--rho must be in [0, 1)",
            "--max-norm 0|--max-norm must be a positive number",
            "--max-norm -2|--max-norm must be a positive number",
            "--input-dropout 1|--input-dropout rate must be in [0, 1)"})
    void optionsThatDoNotApplyAreRefused(String options, String message) {
        Cli.Run r = Cli.run(with(concat(options.split(" "), "--epochs", "1")));
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void maxNormWithoutHiddenLayersIsRefused() {
        Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--max-norm", "3", "--epochs", "1",
                "--backend", "cpu");
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--max-norm bounds the hidden units' incoming weights"), r.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
