package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop.data.TargetScaling;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The training data options: checks made before any file is read, and a regression's target scaling. */
class DataArgsTest {

    @Command(name = "t")
    static final class Holder {
        @Mixin DataArgs data = new DataArgs();
    }

    private static DataArgs parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.data;
    }

    private static String refusal(String... args) {
        DataArgs d = parse(args);
        return assertThrows(IllegalArgumentException.class, d::validate).getMessage();
    }

    /** 200 rows of two features and a target around 150 with a spread near 77, as a diabetes score. */
    private static Path regression(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,score\n");
        for (int i = 0; i < 200; i++) {
            double a = Math.sin(i * 0.7), b = Math.cos(i * 1.3);
            double y = 150 + 77 * (0.8 * a + 0.6 * b) * Math.sqrt(2);
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%.3f%n", a, b, y));
        }
        Path p = dir.resolve("scores.csv");
        Files.writeString(p, sb.toString());
        return p;
    }

    private static double[] meanStd(float[] v) {
        double sum = 0, sq = 0;
        for (float x : v) {
            sum += x;
        }
        double m = sum / v.length;
        for (float x : v) {
            sq += (x - m) * (x - m);
        }
        return new double[] {m, Math.sqrt(sq / v.length)};
    }

    @Test
    void aTestSplitBesideATestFileIsRefusedBeforeAnyFileIsRead() {
        String m = refusal("--data", "no-such-train.csv", "--test", "no-such-test.csv", "--test-split", "0.3");
        assertEquals("--test-split with --test: the test file is the test set, so there is nothing to split;"
                + " give one of them", m);
        // without --test-split the default applies and nothing is refused
        parse("--data", "no-such-train.csv", "--test", "no-such-test.csv").validate();
    }

    @Test
    void csvOptionsWithAnotherSourceAreRefused() {
        assertEquals("--label applies to a CSV file; --data xor is not one", refusal("--data", "xor", "--label", "y"));
        assertEquals("--one-hot applies to a CSV file; --data mnist-sample is not one",
                refusal("--data", "mnist-sample", "--one-hot", "auto"));
        assertEquals("--test applies to a CSV file; --data moons:100 is not one",
                refusal("--data", "moons:100", "--test", "t.csv"));
        // the default source is mnist, which takes none of them: load checks once the source is known
        DataArgs d = parse("--missing", "drop");
        d.validate();
        String m = assertThrows(IllegalArgumentException.class, () -> d.load(1)).getMessage();
        assertEquals("--missing applies to a CSV file; --data mnist is not one", m);
    }

    @Test
    void badSettingValuesNameTheOption() {
        assertEquals("--task must be auto, classification or regression, got 'quantity'",
                refusal("--data", "t.csv", "--task", "quantity"));
        assertEquals("--missing must be error, drop or mean, got 'zero'", refusal("--data", "t.csv", "--missing", "zero"));
        assertEquals("--target-scaling must be standardize or none, got 'minmax'",
                refusal("--data", "t.csv", "--target-scaling", "minmax"));
        assertTrue(refusal("--data", "t.csv", "--task", "classification", "--target-scaling", "none")
                .startsWith("--target-scaling is for a regression"));
    }

    @Test
    void coresSettingWordsBecomeOptions() {
        assertEquals("t.csv: --label species: no column 'species' in the header (Species)",
                DataArgs.flags("t.csv: label=species: no column 'species' in the header (Species)"));
        assertEquals("row 3: empty label (--missing drop leaves such rows out)",
                DataArgs.flags("row 3: empty label (missing=drop leaves such rows out)"));
    }

    @Test
    void aColumnNamedInTheWrongCaseIsReportedWithTheHeaderAndTheOption(@TempDir Path dir) throws IOException {
        Path iris = dir.resolve("iris.csv");
        Files.writeString(iris, "sepal_length,sepal_width,petal_length,petal_width,Species\n5.1,3.5,1.4,0.2,setosa\n"
                + "7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n");
        DataArgs d = parse("--data", iris.toString(), "--label", "species");
        String m = assertThrows(RuntimeException.class, () -> d.load(1)).getMessage();
        assertEquals(iris + ": --label species: no column 'species' in the header (sepal_length, sepal_width,"
                + " petal_length, petal_width, Species); did you mean 'Species'? (names are case-sensitive)", m);
    }

    @Test
    void aRegressionsTargetsAreStandardisedOnTheTrainingRows(@TempDir Path dir) throws IOException {
        Path csv = regression(dir);
        DataArgs.TrainTest tt = parse("--data", csv.toString()).load(42);
        TargetScaling s = tt.targetScaling();
        assertNotNull(s);
        double[] train = meanStd(tt.train().values());
        assertEquals(0, train[0], 1e-5);
        assertEquals(1, train[1], 1e-4);
        assertEquals(160, tt.train().size());
        // the scaling is of the raw targets: near 150 and 77, and it travels in the metadata
        assertTrue(Math.abs(s.mean() - 150) < 15 && Math.abs(s.std() - 77) < 15, s.toString());
        Map<String, String> meta = tt.metadata();
        assertEquals(s, TargetScaling.from(meta));
        assertTrue(meta.containsKey(TargetScaling.MEAN_KEY) && meta.containsKey(TargetScaling.STD_KEY), meta.toString());
        // the held-out rows are scaled with the training rows' numbers: undone, they are the file's targets
        float[] test = tt.test().values().clone();
        s.undo(test);
        List<String> lines = Files.readAllLines(csv);
        boolean found = false;
        for (String line : lines.subList(1, lines.size())) {
            found |= Math.abs(Double.parseDouble(line.split(",")[2]) - test[0]) < 1e-3;
        }
        assertTrue(found, "an undone test target is one of the file's: " + test[0]);
    }

    @Test
    void targetScalingNoneKeepsTheRawTargets(@TempDir Path dir) throws IOException {
        DataArgs.TrainTest tt = parse("--data", regression(dir).toString(), "--target-scaling", "none").load(42);
        assertNull(tt.targetScaling());
        assertFalse(tt.metadata().containsKey(TargetScaling.MEAN_KEY));
        assertTrue(meanStd(tt.train().values())[0] > 100);
    }

    @Test
    void aResumedRunReusesItsCheckpointsScalingInsteadOfRefitting(@TempDir Path dir) throws IOException {
        Path csv = regression(dir);
        DataArgs.TrainTest first = parse("--data", csv.toString()).load(42);
        Map<String, String> meta = new LinkedHashMap<>(first.metadata());
        new TargetScaling(100, 50).writeTo(meta);
        ModelState saved = new ModelState(List.of(new LayerState("identity", 2, 1, new float[2], new float[1])), meta,
                Scaling.attach(new ModelState(List.of(new LayerState("identity", 2, 1, new float[2], new float[1]))),
                        first.scaler()).extras());
        DataArgs.TrainTest resumed = parse("--data", csv.toString()).load(42, saved);
        assertEquals(new TargetScaling(100, 50), resumed.targetScaling());
        float[] raw = resumed.train().values().clone();
        resumed.targetScaling().undo(raw);
        float[] fromFirst = first.train().values().clone();
        first.targetScaling().undo(fromFirst);
        for (int i = 0; i < raw.length; i++) {
            assertEquals(fromFirst[i], raw[i], 1e-3, "row " + i + " is the same target, scaled with the saved numbers");
        }
        // an older checkpoint without target scaling: the targets stay raw
        Map<String, String> older = new LinkedHashMap<>(first.metadata());
        older.remove(TargetScaling.MEAN_KEY);
        older.remove(TargetScaling.STD_KEY);
        ModelState old = new ModelState(saved.layers(), older, saved.extras());
        assertNull(parse("--data", csv.toString()).load(42, old).targetScaling());
    }

    @Test
    void anExplicitTargetScalingOnAClassificationIsRefused(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n");
        assertNull(parse("--data", csv.toString()).load(1).targetScaling());
        String m = assertThrows(IllegalArgumentException.class,
                () -> parse("--data", csv.toString(), "--target-scaling", "standardize").load(1)).getMessage();
        assertEquals("--target-scaling is for a regression; the label 'y' holds classes", m);
    }

    @Test
    void evalListsOnlyItsOwnDataOptionsAndRefusesTrainingOnes() {
        Cli.Run help = Cli.run("eval", "--help");
        assertTrue(help.out().contains("--data") && help.out().contains("--test="), help.out());
        for (String training : List.of("--test-split", "--one-hot", "--missing", "--task", "--target-scaling",
                "--standardize")) {
            assertFalse(help.out().contains(training), training + " in " + help.out());
        }
        Cli.Run r = Cli.run("eval", "--model", "m.bpm", "--one-hot", "auto");
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("Unknown option") && r.err().contains("'--one-hot'"), r.err());
    }
}
