package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line's contract: help everywhere, bad input is one line on stderr and exit code 2. */
class CommandLineTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({"--help", "train --help", "eval --help", "predict --help", "devices --help", "data fetch --help",
            "parity --help", "bench --help"})
    void helpExitsZeroAndDescribesTheCommand(String args) {
        Cli.Run r = Cli.ok(args.split(" "));
        assertTrue(r.out().contains("Usage:"), r.out());
    }

    @Test
    void noArgumentsPrintsTheHelpAndExits2() {
        Cli.Run r = Cli.run();
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("Usage: backprop"), r.err());
        assertTrue(r.err().contains("train"), r.err());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        String expected = System.getProperty("backprop.version");
        Cli.Run r = Cli.ok("--version");
        assertTrue(expected != null && !expected.isBlank(), "surefire passes the pom's version");
        assertTrue(r.out().startsWith("backprop " + expected + "\n"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "train --batch 0|--batch must be between",
            "train --layers 12,x|--layers: 'x' is not a layer width",
            "train --layers 0|--layers: '0' is not a layer width",
            "train --lr -1|--lr must be in",
            "train --lr NaN|--lr must be in",
            "train --epochs 0|--epochs must be between",
            "train --activation swish|unknown activation 'swish'",
            "train --optimizer lbfgs --data mnist-sample|unknown optimizer 'lbfgs'",
            "train --dropout 1.5 --data mnist-sample|dropout: '1.5' is not a rate in [0, 1)",
            "train --dropout 0.5,x --data mnist-sample|dropout: 'x' is not a rate",
            "train --dropout 0.1,0.2,0.3 --data mnist-sample|dropout: 3 rates for 2 hidden layers",
            "train --dropout 0.5 --layers none --data mnist-sample|--dropout needs a hidden layer",
            "train --weight-decay -1 --data mnist-sample|--weight-decay must be in [0, 1)",
            "train --early-stop 2|--early-stop watches the validation loss: give --val-split too",
            "train --val-split 1|--val-split must be 0 (none) or a fraction below 1",
            "train --history h.txt|--history writes .csv or .jsonl",
            "train --warmup 10 --epochs 10|--warmup must be between 0 and --epochs - 1",
            "train --lr-schedule linear --data mnist-sample|unknown learning-rate schedule 'linear'",
            "train --loss hinge --data mnist-sample|unknown loss 'hinge'",
            "train --backend tpu --data mnist-sample|unknown backend 'tpu'",
            "train --threads 0 --data mnist-sample|--threads must be between",
            "train --data no-such-file.csv|no-such-file.csv",
            "train --resume no-such.bpm|--resume: no such file",
            "train --plot curves.jpg|--plot writes a PNG",
            "train --test-split 1.5 --data mnist-sample|--test-split must be 0 (train on every row) or a fraction below 1",
            "train --nonsense|Unknown option",
            "eval --data mnist-sample|Missing required option",
            "data fetch cifar|unknown dataset 'cifar'",
            "data fetch mnist --from /no/such/dir|--from: no such directory"})
    void badInputIsOneLineAndExitCode2(String args, String expected) {
        Cli.Run r = Cli.run(args.split(" "));
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "stderr was: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void cudaWhereItCannotRunIsAnErrorWithTheReasonNotASilentSwitch() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                org.backprop.core.Backends.provider("cuda").availability().usable(), "a GPU is usable here");
        Cli.Run r = Cli.run("train", "--backend", "cuda", "--data", "mnist-sample", "--epochs", "1");
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("backend cuda cannot run here: "), r.err());
    }

    @Test
    void parityHoldsEveryOpOfEveryUsableBackendToItsBound() {
        // the reduced shapes keep CI short; the standard set runs in the backends' contract tests
        Cli.Run r = Cli.run("parity", "--reduced");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("gemm TT alpha beta") && r.out().contains("adamUpdate 3 steps"), r.out());
        assertTrue(r.out().contains("reduced shapes"), r.out());
        assertTrue(r.out().contains("parity: every op within its bound"), r.out());
    }

    @Test
    void devicesListsEveryBackendWithItsState() {
        Cli.Run r = Cli.ok("devices");
        assertTrue(r.out().contains("cpu   usable"), r.out());
        assertTrue(r.out().contains("cuda "), r.out());
    }

    @Test
    void aMalformedCsvIsOneLineNamingTheFile() throws Exception {
        Path csv = dir.resolve("broken.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,oops,1\n");
        Cli.Run r = Cli.run("train", "--data", csv.toString());
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("broken.csv"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
