package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.backprop.bench.BenchConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code backprop bench}'s options: each subcommand lists its own, and results land where asked. */
class BenchCommandTest {

    @Test
    void gemmAndOpsHelpLeaveOutTheTrainingBenchsOptions() {
        for (String sub : List.of("gemm", "ops")) {
            Cli.Run r = Cli.ok("bench", sub, "--help");
            assertFalse(r.out().contains("--tta-"), sub + ":\n" + r.out());
            assertFalse(r.out().contains("--large-batches"), sub + ":\n" + r.out());
            assertTrue(r.out().contains("--quick"), r.out());
            assertTrue(r.out().contains("--out"), r.out());
        }
    }

    @Test
    void trainAllAndBenchAloneListThem() {
        for (String[] args : List.of(new String[] {"bench", "train", "--help"}, new String[] {"bench", "all", "--help"},
                new String[] {"bench", "--help"})) {
            Cli.Run r = Cli.run(args);
            assertTrue(r.out().contains("--tta-lr"), String.join(" ", args) + ":\n" + r.out());
        }
    }

    @Test
    void quickHelpSaysHowLongItTakes() {
        Cli.Run r = Cli.run("bench", "--help");
        assertTrue(r.out().matches("(?s).*--quick\\s+A smoke run of about \\d+.*"), r.out());
    }

    private static BenchConfig config(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        BenchCommand bench = (BenchCommand) parsed.subcommand().commandSpec().userObject();
        CommandLine.ParseResult sub = parsed.subcommand().subcommand();
        BenchCommand.TrainOptions t = bench.train;
        if (sub != null && sub.commandSpec().userObject() instanceof BenchCommand.Train train) {
            t = train.train.or(bench.train);
        }
        return bench.config(t);
    }

    @Test
    void resultsGoToTheCurrentFolderUnlessToldOtherwise() {
        assertEquals(Path.of(""), config("bench", "--quick", "gemm").out());
        assertEquals(Path.of("runs", "today"), config("bench", "--out", "runs/today", "gemm").out());
        assertEquals(Path.of("x"), config("bench", "gemm", "--out", "x").out());
    }

    @Test
    void trainOptionsWorkBeforeOrAfterTheSubcommandName() {
        assertEquals(0.01f, config("bench", "train", "--tta-lr", "0.01").recipe().lr());
        assertEquals(0.02f, config("bench", "--tta-lr", "0.02", "train").recipe().lr());
        assertEquals(7, config("bench", "--tta-max-epochs", "7").recipe().epochs());
    }

    @Test
    void gemmRejectsATrainingOption() {
        Cli.Run r = Cli.run("bench", "gemm", "--tta-lr", "0.01");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unknown options: '--tta-lr'"), r.err());
    }
}
