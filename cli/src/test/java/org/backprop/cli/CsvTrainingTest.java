package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.bench.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heart-disease-shaped table: a header, features on very different scales, string labels.
 * Logistic regression through the command line, with the standardisation saved in the model and
 * reapplied by eval and predict.
 */
class CsvTrainingTest {

    @TempDir Path dir;

    /** Label "disease" when 0.04·(age − 55) + 0.02·(chol − 220) − 0.5·exercise > 0, rows near the boundary left out. */
    private Path table(String name, int rows, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("age,chol,exercise,diagnosis\n");
        for (int i = 0; i < rows; ) {
            double age = 30 + 50 * r.nextDouble(), chol = 150 + 150 * r.nextDouble();
            int exercise = r.nextInt(2);
            double s = 0.04 * (age - 55) + 0.02 * (chol - 220) - 0.5 * exercise;
            if (Math.abs(s) < 0.15) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%.0f,%.1f,%d,%s%n", age, chol, exercise, s > 0 ? "disease" : "healthy"));
            i++;
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb);
        return p;
    }

    @Test
    void logisticRegressionOnAStandardisedCsvTrainsEvaluatesAndPredicts() throws Exception {
        Path train = table("heart.csv", 400, 1), test = table("heart-test.csv", 100, 2);
        Path model = dir.resolve("heart.bpm");
        Cli.Run t = Cli.ok("train", "--data", train.toString(), "--test", test.toString(), "--label", "diagnosis",
                "--layers", "none", "--output", "sigmoid", "--optimizer", "sgd", "--lr", "0.5", "--lr-schedule", "constant",
                "--epochs", "40", "--batch", "16", "--backend", "cpu", "--save", model.toString());
        assertTrue(t.out().contains("model: 3-1 (sigmoid"), t.out());
        Matcher m = Pattern.compile("done: test accuracy (\\d+\\.\\d+)%").matcher(t.out());
        assertTrue(m.find(), t.out());
        double acc = Double.parseDouble(m.group(1));
        // a linearly separable rule with a margin: logistic regression should get (nearly) all of it
        assertTrue(acc >= 97, "test accuracy " + acc);

        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--data", train.toString(), "--test", test.toString(),
                "--label", "diagnosis", "--backend", "cpu");
        assertTrue(e.out().contains(String.format(Locale.ROOT, "accuracy %.2f%%", acc)), e.out());

        Path roc = dir.resolve("roc.png"), pr = dir.resolve("pr.png"), rel = dir.resolve("rel.png");
        Cli.Run j = Cli.ok("eval", "--model", model.toString(), "--data", train.toString(), "--test", test.toString(),
                "--label", "diagnosis", "--backend", "cpu", "--json", "--roc", roc.toString(), "--pr", pr.toString(),
                "--reliability", rel.toString());
        Map<String, Object> report = Json.object(Json.parse(j.out()));
        assertEquals(acc / 100, ((Number) report.get("accuracy")).doubleValue(), 5e-5);
        List<Object> classes = Json.array(report.get("classes"));
        assertEquals(2, classes.size());
        Map<String, Object> positive = Json.object(classes.get(1));
        // near-perfect separation: the scores rank almost every positive above every negative
        assertTrue(((Number) positive.get("roc_auc")).doubleValue() > 0.99, j.out());
        assertTrue(((Number) positive.get("average_precision")).doubleValue() > 0.99, j.out());
        assertEquals(10, ((Number) Json.object(report.get("calibration")).get("bins")).intValue());
        for (Path png : new Path[] {roc, pr, rel}) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(900, img.getWidth(), png + " is a 900-pixel-wide PNG");
        }

        Cli.Run i = Cli.ok("inspect", "--model", model.toString());
        assertTrue(i.out().contains("architecture: 3-1 (sigmoid)"), i.out());
        assertTrue(i.out().contains("parameters: 4 = 3 weights + 1 biases"), i.out());
        // the rule weighs age by 0.04 per year (std ≈ 14.4 years: 0.58 per std), cholesterol by 0.02 per
        // unit (std ≈ 43: 0.87 per std) and exercise by 0.5 (std 0.5: 0.25): on standardised features
        // cholesterol matters most, then age, then exercise
        Matcher ranks = Pattern.compile("1\\. chol .*\\n\\s+2\\. age .*\\n\\s+3\\. exercise ").matcher(i.out());
        assertTrue(ranks.find(), i.out());

        Cli.Run p = Cli.ok("predict", "--model", model.toString(), "--input", test.toString(), "--label", "diagnosis",
                "--limit", "5", "--backend", "cpu");
        assertEquals(6, p.out().strip().lines().count(), p.out());
        assertTrue(p.out().startsWith("row,predicted,probability,label"), p.out());
    }
}
