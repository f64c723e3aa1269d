package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.backprop.bench.Json;
import org.backprop.data.TargetScaling;
import org.backprop.io.Checkpoint;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regression trained on standardised targets reports in the targets' own units: a model with
 * known weights, y' = 2·a − b + 0.5 in standardised units, and a scaling of mean 100, std 10, so
 * that the rows (1, 2) and (3, 1) predict 105 and 155.
 */
class TargetUnitsTest {

    @TempDir Path dir;

    /** A saved regression on columns a, b → y with the hand-set weights and scaling, in {@code file}'s format. */
    private ModelState handMade() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,y\n");
        Random r = new Random(3);
        for (int i = 0; i < 60; i++) {
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%.3f%n", r.nextGaussian(), r.nextGaussian(), 100 + 10 * r.nextGaussian()));
        }
        Path csv = Files.writeString(dir.resolve("train.csv"), sb);
        Path trained = dir.resolve("trained.bpm");
        Cli.Run t = Cli.ok("train", "--data", csv.toString(), "--task", "regression", "--no-standardize", "--layers", "none",
                "--epochs", "1", "--backend", "cpu", "--save", trained.toString());
        ModelState st = Checkpoint.load(trained);
        Map<String, String> meta = new LinkedHashMap<>(st.metadata());
        new TargetScaling(100, 10).writeTo(meta);
        return new ModelState(List.of(new LayerState("identity", 2, 1, new float[] {2, -1}, new float[] {0.5f})), meta,
                Map.of());
    }

    private Path rows(boolean labelled) throws Exception {
        return Files.writeString(dir.resolve(labelled ? "test.csv" : "new.csv"),
                labelled ? "a,b,y\n1,2,110\n3,1,150\n" : "a,b\n1,2\n3,1\n");
    }

    @Test
    void evalPredictAndInspectGiveTargetUnits() throws Exception {
        Path model = dir.resolve("m.bpm");
        Checkpoint.save(model, handMade());
        // predictions 105 and 155 against 110 and 150: errors −5 and +5; R² = 1 − 50 / 800
        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--test", rows(true).toString(), "--backend", "cpu", "--json");
        Map<String, Object> j = Json.object(Json.parse(e.out()));
        assertEquals(5.0, ((Number) j.get("rmse")).doubleValue(), 1e-4);
        assertEquals(5.0, ((Number) j.get("mae")).doubleValue(), 1e-4);
        assertEquals(0.9375, ((Number) j.get("r2")).doubleValue(), 1e-5);
        Cli.Run text = Cli.run("eval", "--model", model.toString(), "--test", rows(true).toString(), "--backend", "cpu");
        assertTrue(text.out().contains("RMSE 5.0000, MAE 5.0000, R² 0.9375 over 2 rows"), text.out());

        Cli.Run p = Cli.ok("predict", "--model", model.toString(), "--input", rows(false).toString(), "--backend", "cpu");
        List<String> lines = p.out().strip().lines().toList();
        assertEquals(List.of("row,predicted", "0,105.000", "1,155.000"), lines);
        Cli.Run labelled = Cli.run("predict", "--model", model.toString(), "--input", rows(true).toString(), "--backend", "cpu");
        assertEquals(List.of("row,predicted,label", "0,105.000,110.000", "1,155.000,150.000"),
                labelled.out().strip().lines().toList());
        assertTrue(labelled.err().contains("RMSE 5.0000, MAE 5.0000, R² 0.9375 over 2 rows"), labelled.err());

        Cli.Run i = Cli.ok("inspect", "--model", model.toString());
        assertTrue(i.out().contains("targets standardised (mean 100.000, std 10.0000)"), i.out());
        assertTrue(i.out().contains("(signed: + raises the prediction)"), i.out());
        assertFalse(i.out().contains("class"), i.out());
        assertFalse(i.out().contains("target-mean"), i.out());
    }

    @Test
    void theNpzCarriesTheScalingAsArraysAndIsReadFromThemAlone() throws Exception {
        ModelState st = handMade();
        Path npz = dir.resolve("m.npz");
        ModelExport.save(npz, st, st, null);
        ModelState read = Npz.load(npz);
        assertArrayEquals(new float[] {100}, read.extras().get("target.mean"));
        assertArrayEquals(new float[] {10}, read.extras().get("target.std"));
        // a NumPy user's archive may carry the arrays without the metadata keys
        Map<String, String> meta = new LinkedHashMap<>(read.metadata());
        meta.remove(TargetScaling.MEAN_KEY);
        meta.remove(TargetScaling.STD_KEY);
        Path arraysOnly = dir.resolve("arrays.npz");
        Npz.save(arraysOnly, new ModelState(read.layers(), meta, read.extras()));
        Cli.Run p = Cli.ok("predict", "--model", arraysOnly.toString(), "--input", rows(false).toString(), "--backend", "cpu");
        assertEquals(List.of("row,predicted", "0,105.000", "1,155.000"), p.out().strip().lines().toList());
        Cli.Run e = Cli.run("eval", "--model", arraysOnly.toString(), "--test", rows(true).toString(), "--backend", "cpu");
        assertTrue(e.out().contains("RMSE 5.0000, MAE 5.0000, R² 0.9375 over 2 rows"), e.out() + e.err());
    }

    @Test
    void theOnnxExportSaysItsOutputIsInTargetUnits() throws Exception {
        ModelState st = handMade();
        String what = ModelExport.save(dir.resolve("m.onnx"), st, st, null);
        assertTrue(what.contains("output in target units: output * target.std + target.mean"), what);
    }
}
