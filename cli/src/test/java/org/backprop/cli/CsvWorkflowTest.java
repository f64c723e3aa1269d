package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.bench.Json;
import org.backprop.io.Checkpoint;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval and predict on tabular data: the model's own split, its class names, columns by name, regression. */
class CsvWorkflowTest {

    @TempDir Path dir;

    private static final Pattern DONE = Pattern.compile("done: test accuracy (\\d+\\.\\d{2})%");

    /** Two features and a word label; a fifth of the labels flipped, so every split scores differently. */
    private Path noisy(String name, int rows, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("x,y,outcome\n");
        for (int i = 0; i < rows; i++) {
            double x = r.nextGaussian(), y = r.nextGaussian();
            boolean up = x + y > 0 ^ r.nextDouble() < 0.2;
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%s%n", x, y, up ? "up" : "down"));
        }
        return Files.writeString(dir.resolve(name), sb);
    }

    private static String done(Cli.Run t) {
        Matcher m = DONE.matcher(t.out());
        assertTrue(m.find(), t.out());
        return m.group(1);
    }

    private static final String[] FAST = {"--layers", "none", "--output", "sigmoid", "--optimizer", "sgd", "--lr", "0.5",
            "--lr-schedule", "constant", "--epochs", "5", "--batch", "16", "--backend", "cpu"};

    private static String[] args(String[] head, String... tail) {
        String[] out = new String[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    @Test
    void evalScoresExactlyTheRowsTrainingHeldOutWithTheModelsSeed() throws Exception {
        Path csv = noisy("noisy.csv", 400, 1);
        Path model = dir.resolve("m.bpm");
        Cli.Run t = Cli.ok(args(new String[] {"train", "--data", csv.toString(), "--seed", "7", "--test-split", "0.1",
                "--save", model.toString()}, FAST));
        String acc = done(t);
        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--data", csv.toString(), "--backend", "cpu");
        assertTrue(e.out().contains("the 40 rows held out in training (--test-split 0.1, seed 7)"), e.out());
        assertTrue(e.out().contains("accuracy " + acc + "% over 40 samples"), e.out() + t.out());
        // no --data at all: the model's own source
        Cli.Run own = Cli.ok("eval", "--model", model.toString(), "--backend", "cpu");
        assertTrue(own.out().contains("accuracy " + acc + "% over 40 samples"), own.out());
        // the class names it was trained with, in the table
        assertTrue(e.out().matches("(?s).*true\\\\pred +down +up .*\\ndown +\\d+.*\\nup +\\d+.*"), e.out());
        assertTrue(e.out().contains("(positive class: up)"), e.out());
        Cli.Run j = Cli.run("eval", "--model", model.toString(), "--backend", "cpu", "--json");
        Map<String, Object> report = Json.object(Json.parse(j.out()));
        assertEquals(List.of("down", "up"), Json.array(report.get("class_names")));
        assertEquals("up", report.get("positive_class"));
        assertEquals("down", Json.object(Json.array(report.get("classes")).get(0)).get("name"));
        ModelState st = Checkpoint.load(model);
        assertEquals(csv.toString(), st.metadata().get("data.source"));
        assertEquals("7", st.metadata().get("data.split-seed"));
        assertEquals("outcome", st.metadata().get("data.label"));
        assertEquals("down,up", st.metadata().get("data.classes"));
        assertEquals("standardize", st.metadata().get("data.scaling"));
    }

    @Test
    void evalTestAloneScoresThatFileWholeAndTestSplitZeroTrainsOnEveryRow() throws Exception {
        Path train = noisy("train.csv", 300, 2), test = noisy("test.csv", 50, 3);
        Path model = dir.resolve("m.bpm");
        Cli.Run t = Cli.ok(args(new String[] {"train", "--data", train.toString(), "--test", test.toString(),
                "--save", model.toString()}, FAST));
        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--test", test.toString(), "--backend", "cpu");
        assertTrue(e.out().contains("data: " + test + ": all 50 rows"), e.out());
        assertTrue(e.out().contains("accuracy " + done(t) + "% over 50 samples"), e.out());
        assertFalse(e.out().contains("MNIST") || e.err().contains("MNIST"), e.out() + e.err());
        // with neither: the test file the model was trained with
        Cli.Run own = Cli.ok("eval", "--model", model.toString(), "--backend", "cpu");
        assertTrue(own.out().contains(test + ": all 50 rows (the model's test set)"), own.out());
        assertTrue(own.out().contains("accuracy " + done(t) + "% over 50 samples"), own.out());

        Path all = dir.resolve("all.bpm");
        Path history = dir.resolve("h.csv");
        Cli.Run z = Cli.ok(args(new String[] {"train", "--data", train.toString(), "--test-split", "0",
                "--save", all.toString(), "--history", history.toString()}, FAST));
        // nothing was held out: the history has no test (or validation) numbers to give
        assertTrue(Files.readAllLines(history).get(1).matches("1,[0-9.]+,[0-9.]+,,,,,[0-9.e-]+,[0-9.e-]+"),
                Files.readString(history));
        assertTrue(z.out().contains("300 training rows, none held out (--test-split 0)"), z.out());
        assertTrue(z.out().contains("train acc") && z.out().contains("done: training accuracy"), z.out());
        Cli.Run nothing = Cli.run("eval", "--model", all.toString(), "--backend", "cpu");
        assertEquals(Main.USAGE, nothing.exit());
        assertTrue(nothing.err().contains("the model was trained on every row of it (--test-split 0): give a test file"
                + " with --test"), nothing.err());
        assertEquals(0, Cli.run("eval", "--model", all.toString(), "--test", test.toString(), "--backend", "cpu").exit());
        Cli.Run v = Cli.ok(args(new String[] {"train", "--data", train.toString(), "--test-split", "0",
                "--val-split", "0.2"}, FAST));
        Matcher last = Pattern.compile("epoch 5/5 .* val acc (\\d+\\.\\d{2})%").matcher(v.out());
        assertTrue(last.find(), v.out());
        assertTrue(v.out().contains("done: validation accuracy " + last.group(1) + "%"), v.out());
        assertFalse(v.out().contains("test:"), v.out());
    }

    @Test
    void evalReadsAFolderHoldingOnlyTheMnistTestFiles() throws Exception {
        Path mnist = Files.createDirectory(dir.resolve("t10k-only"));
        for (String f : new String[] {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = getClass().getResourceAsStream("/org/backprop/data/mnist-sample/" + f)) {
                Files.copy(in, mnist.resolve(f));
            }
        }
        Path model = dir.resolve("mnist.bpm");
        Cli.Run t = Cli.ok("train", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--backend", "cpu",
                "--save", model.toString());
        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--data", mnist.toString(), "--backend", "cpu");
        assertTrue(e.out().contains("accuracy " + done(t) + "% over 1000 samples"), e.out() + t.out());
        assertEquals("mnist-sample", Checkpoint.load(model).metadata().get("data.source"));
        assertEquals("pixels/255", Checkpoint.load(model).metadata().get("data.scaling"));
    }

    @Test
    void predictScoresUnlabelledRowsMatchedByHeaderNameWithTheTrainedClassNames() throws Exception {
        Path csv = noisy("noisy.csv", 300, 4);
        Path model = dir.resolve("m.bpm");
        assertEquals(0, Cli.run(args(new String[] {"train", "--data", csv.toString(), "--save", model.toString()}, FAST))
                .exit());
        // one row, columns reordered, an extra column, no label: x + y = 3 is far on the "up" side
        Path one = Files.writeString(dir.resolve("one.csv"), "note,y,x\nhello,1.5,1.5\n");
        Cli.Run p = Cli.ok("predict", "--model", model.toString(), "--input", one.toString(), "--backend", "cpu");
        List<String> lines = p.out().strip().lines().toList();
        assertEquals("row,predicted,probability,p_down,p_up", lines.get(0));
        String[] cells = lines.get(1).split(",");
        assertEquals("up", cells[1], p.out());
        double prob = Double.parseDouble(cells[2]);
        assertTrue(prob > 0.9, p.out());
        assertEquals(1.0, Double.parseDouble(cells[3]) + Double.parseDouble(cells[4]), 2e-4);
        assertEquals(prob, Double.parseDouble(cells[4]), 0);
        assertTrue(p.err().contains("column note not used"), p.err());
        // the same row with the columns swapped would be a different point: matching is by name
        // (and a file from another tool may use another separator)
        Path swapped = Files.writeString(dir.resolve("swapped.csv"), "y;x\n1.5;-3\n");
        Cli.Run s = Cli.run("predict", "--model", model.toString(), "--input", swapped.toString(), "--backend", "cpu");
        assertTrue(s.out().contains(",down,"), s.out());

        // labelled rows that all share one label, --top 1 and --output
        Path same = Files.writeString(dir.resolve("same.csv"), "x,y,outcome\n2,2,up\n1,3,up\n");
        Path out = dir.resolve("pred.csv");
        Cli.Run l = Cli.ok("predict", "--model", model.toString(), "--input", same.toString(), "--top", "1",
                "--output", out.toString(), "--backend", "cpu");
        assertTrue(l.out().contains("wrote 2 predictions to " + out), l.out());
        assertTrue(l.out().contains("accuracy 100.00% (2 of 2 labelled rows)"), l.out());
        List<String> written = Files.readAllLines(out);
        assertEquals("row,predicted,probability,label,top1,p1", written.get(0));
        assertTrue(written.get(1).startsWith("0,up,") && written.get(1).contains(",up,up,"), written.toString());

        Path missing = Files.writeString(dir.resolve("missing.csv"), "x,z\n1,2\n");
        Cli.Run m = Cli.run("predict", "--model", model.toString(), "--input", missing.toString(), "--backend", "cpu");
        assertEquals(Main.USAGE, m.exit());
        assertTrue(m.err().contains("has no column 'y', which the model was trained on"), m.err());
    }

    /** A quantity: price = 3·size − 2·age + 10 + noise(0.5), with a categorical district worth +4 in "north". */
    private Path prices(String name, int rows, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("size,age,district,price\n");
        for (int i = 0; i < rows; i++) {
            double size = 5 * r.nextDouble(), age = 3 * r.nextDouble();
            boolean north = r.nextBoolean();
            double price = 3 * size - 2 * age + 10 + (north ? 4 : 0) + 0.5 * r.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%s,%.3f%n", size, age, north ? "north" : "south", price));
        }
        return Files.writeString(dir.resolve(name), sb);
    }

    @Test
    void aContinuousLabelTrainsARegressionThatEvalAndPredictReport() throws Exception {
        Path csv = prices("prices.csv", 400, 5);
        Path model = dir.resolve("r.bpm");
        Cli.Run t = Cli.ok("train", "--data", csv.toString(), "--one-hot", "auto", "--layers", "none",
                "--optimizer", "sgd", "--lr", "0.05", "--lr-schedule", "constant", "--epochs", "40", "--batch", "16",
                "--backend", "cpu", "--save", model.toString());
        assertTrue(t.out().contains("regression on 'price'"), t.out());
        assertTrue(t.out().contains("model: 4-1 (identity"), t.out());
        assertTrue(t.out().contains("test rmse"), t.out());
        Matcher d = Pattern.compile("done: test RMSE (\\d+\\.\\d{4}), MAE (\\d+\\.\\d{4}), R² (\\d\\.\\d{4}) over 80 rows")
                .matcher(t.out());
        assertTrue(d.find(), t.out());
        // the noise has std 0.5, the targets about 3.5: a fitted linear model explains nearly all of it
        assertTrue(Double.parseDouble(d.group(1)) < 0.7, t.out());
        assertTrue(Double.parseDouble(d.group(3)) > 0.95, t.out());

        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--backend", "cpu", "--json");
        Map<String, Object> j = Json.object(Json.parse(e.out()));
        assertEquals("regression", j.get("task"));
        assertEquals(Double.parseDouble(d.group(1)), ((Number) j.get("rmse")).doubleValue(), 5e-5);
        assertEquals(Double.parseDouble(d.group(3)), ((Number) j.get("r2")).doubleValue(), 5e-5);

        Path rows = Files.writeString(dir.resolve("new.csv"), "size,age,district\n2,1,north\n2,1,south\n");
        Cli.Run p = Cli.ok("predict", "--model", model.toString(), "--input", rows.toString(), "--backend", "cpu");
        List<String> lines = p.out().strip().lines().toList();
        assertEquals("row,predicted", lines.get(0));
        double north = Double.parseDouble(lines.get(1).split(",")[1]), south = Double.parseDouble(lines.get(2).split(",")[1]);
        // 3·2 − 2·1 + 10 = 14, and north is worth 4 more
        assertEquals(18, north, 0.6);
        assertEquals(14, south, 0.6);

        Path unseen = Files.writeString(dir.resolve("unseen.csv"), "size,age,district\n2,1,east\n");
        Cli.Run u = Cli.run("predict", "--model", model.toString(), "--input", unseen.toString(), "--backend", "cpu");
        assertEquals(Main.USAGE, u.exit());
        assertTrue(u.err().contains("row 2, column 3 'district': category 'east' was not in the training data"
                + " (its categories: north, south)"), u.err());

        Cli.Run forced = Cli.run("train", "--data", csv.toString(), "--one-hot", "auto", "--task", "classification",
                "--epochs", "1", "--backend", "cpu");
        assertEquals(Main.USAGE, forced.exit());
        assertTrue(forced.err().contains("looks like a quantity, not classes") && forced.err().contains("--task regression"),
                forced.err());
    }

    @Test
    void csvFilesAsPeopleHaveThemTrain() throws Exception {
        // Python's csv.QUOTE_ALL with CRLF and a pandas index column, semicolons, a missing cell
        StringBuilder sb = new StringBuilder("\uFEFF\"\";\"x\";\"y\";\"outcome\"\r\n");
        Random r = new Random(6);
        for (int i = 0; i < 200; i++) {
            double x = r.nextGaussian(), y = r.nextGaussian();
            String xs = i == 17 ? "NA" : String.format(Locale.ROOT, "%.3f", x);
            sb.append(String.format(Locale.ROOT, "\"%d\";\"%s\";\"%.3f\";\"%s\"\r\n", i, xs, y, x + y > 0 ? "up" : "down"));
        }
        Path csv = Files.writeString(dir.resolve("quoted.csv"), sb);
        Cli.Run strict = Cli.run(args(new String[] {"train", "--data", csv.toString(), "--label", "outcome"}, FAST));
        assertEquals(Main.USAGE, strict.exit());
        assertTrue(strict.err().contains("row 19, column 1 'x': missing value"), strict.err());
        Cli.Run t = Cli.ok(args(new String[] {"train", "--data", csv.toString(), "--label", "outcome", "--missing", "drop"},
                FAST));
        assertTrue(t.err().contains("the first column has no name and counts the rows"), t.err());
        assertTrue(t.out().replace("\n  ", " ").contains("159 training rows, 40 held out"), t.out());
        assertTrue(t.out().contains("model: 2-1 (sigmoid"), t.out());

        // a separator the sniffer does not guess, given with --delimiter
        Path piped = Files.writeString(dir.resolve("piped.csv"), "x|y|label\n1.5|2|0\n3.5|4|1\n5|6|0\n7|8|1\n");
        Cli.Run guessed = Cli.run("train", "--data", piped.toString(), "--epochs", "1", "--backend", "cpu");
        assertEquals(Main.USAGE, guessed.exit());
        Cli.Run given = Cli.ok(args(new String[] {"train", "--data", piped.toString(), "--delimiter", "|",
                "--test-split", "0.5", "--save", dir.resolve("x.bpm").toString()}, FAST));
        assertTrue(given.out().contains("model: 2-1 (sigmoid"), given.out());
        assertEquals("|", Checkpoint.load(dir.resolve("x.bpm")).metadata().get("data.delimiter"));

        Path mixed = Files.writeString(dir.resolve("mixed.csv"), "x,label\n1,0\n2,1\n3,yes\n4,0\n");
        Cli.Run m = Cli.run("train", "--data", mixed.toString(), "--backend", "cpu");
        assertEquals(Main.USAGE, m.exit());
        assertTrue(m.err().contains("row 4, label column 2 'label': 'yes' is a word among labels that are numbers"),
                m.err());
        assertEquals(1, m.err().strip().lines().count(), m.err());
    }

    @Test
    void evalSaysNotApplicableForAClassNeverPredicted() throws Exception {
        // a softmax model whose bias always picks class 0: class 1's precision is undefined
        Path model = dir.resolve("zero.bpm");
        Checkpoint.save(model, new ModelState(List.of(new LayerState("softmax", 2, 2, new float[4], new float[] {5, 0})),
                Map.of(), Map.of()));
        Path test = Files.writeString(dir.resolve("t.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,0\n");
        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--test", test.toString(), "--backend", "cpu");
        assertTrue(e.out().contains("accuracy 66.67% over 3 samples"), e.out());
        assertTrue(e.out().matches("(?s).*\\n1 +1 +0 +n/a +0\\.0000 +0\\.0000\\n.*"), e.out());
        assertFalse(e.out().contains("NaN"), e.out());
        Cli.Run j = Cli.ok("eval", "--model", model.toString(), "--test", test.toString(), "--backend", "cpu", "--json");
        Map<String, Object> c1 = Json.object(Json.array(Json.object(Json.parse(j.out())).get("classes")).get(1));
        assertTrue(c1.containsKey("precision"));
        assertNull(c1.get("precision"), j.out());
    }
}
