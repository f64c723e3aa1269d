package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop.io.Checkpoint;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect: short lines, only the settings that applied, no classes for a regression. */
class InspectCommandTest {

    @TempDir Path dir;

    /** A saved recipe's metadata, with every setting a run records whether it applied or not. */
    private static Map<String, String> recipe(String optimizer, String schedule, String dropout) {
        Map<String, String> m = new LinkedHashMap<>();
        String saved = "epoch=7 epochs=10 optimizer=" + optimizer + " lr=0.001 lr-schedule=" + schedule
                + " lr-decay=0.8 lr-step=5 warmup=0 momentum=0.9 weight-decay=0.0 dropout=" + dropout
                + " clip-norm=0.0 val-split=0.0 test-split=0.2 data.test-split=0.2";
        for (String setting : saved.split(" ")) {
            int eq = setting.indexOf('=');
            m.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return m;
    }

    @Test
    void onlyTheSettingsThatAppliedAreListed() {
        List<String> adam = InspectCommand.recipe(recipe("adam", "constant", "0.0,0.0"));
        assertEquals(List.of("epochs=10 (saved after epoch 7)", "optimizer=adam", "lr=0.001", "lr-schedule=constant"), adam);
        List<String> sgd = InspectCommand.recipe(recipe("momentum", "step", "0.5,0.0"));
        assertTrue(sgd.containsAll(List.of("momentum=0.9", "lr-decay=0.8", "lr-step=5", "dropout=0.5,0.0")), sgd.toString());
        List<String> exp = InspectCommand.recipe(recipe("nesterov", "exponential", "0.0"));
        assertTrue(exp.contains("lr-decay=0.8") && !exp.toString().contains("lr-step"), exp.toString());
        Map<String, String> tuned = recipe("nesterov", "constant", "0.0");
        tuned.put("input-dropout", "0.2");
        tuned.put("max-norm", "0.0");
        tuned.put("momentum-ramp", "0.5:0.99:500000");
        tuned.put("rho", "0.99");
        tuned.put("eps", "1.0E-8");
        List<String> ramped = InspectCommand.recipe(tuned);
        assertTrue(ramped.containsAll(List.of("input-dropout=0.2", "momentum-ramp=0.5:0.99:500000")), ramped.toString());
        assertTrue(!ramped.toString().contains("momentum=") && !ramped.toString().contains("max-norm")
                && !ramped.toString().contains("rho") && !ramped.toString().contains("eps"), ramped.toString());
        tuned.put("optimizer", "rmsprop");
        assertTrue(InspectCommand.recipe(tuned).containsAll(List.of("rho=0.99", "eps=1.0E-8")));
    }

    @Test
    void everyLineFitsAndARegressionHasNoClasses() throws Exception {
        Map<String, String> m = recipe("adam", "cosine", "0.0");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            names.add(i == 63 ? "an_even_longer_feature_name_than_the_rest_63" : "a_rather_long_feature_name_" + i);
        }
        m.put("data.source", "some/folder/table.csv");
        m.put("data.task", "regression");
        m.put("data.columns", String.join(",", names));
        m.put("data.column-index", "0,1,2");
        m.put("data.features", String.join(",", names));
        m.put("data.classes", "");
        m.put("data.target-mean", "151.5");
        m.put("data.target-std", "77.25");
        Path model = dir.resolve("r.bpm");
        Checkpoint.save(model, new ModelState(List.of(new LayerState("identity", 64, 1, new float[64], new float[1])), m,
                Map.of()));
        Cli.Run r = Cli.ok("inspect", "--model", model.toString(), "--top", "3");
        for (String line : r.out().lines().toList()) {
            assertTrue(line.length() < 100, line.length() + " columns: " + line);
        }
        assertTrue(r.out().contains("features=64 (a_rather_long_feature_name_0, a_rather_long_feature_name_1,"), r.out());
        assertTrue(r.out().contains("and 59 more)"), r.out());
        assertTrue(r.out().contains("targets standardised (mean 151.500, std 77.2500)"), r.out());
        assertFalse(r.out().contains("class"), r.out());
        assertFalse(r.out().contains("column-index") || r.out().contains("columns="), r.out());
    }
}
