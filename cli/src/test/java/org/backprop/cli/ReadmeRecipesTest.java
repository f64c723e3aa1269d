package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's CSV recipes, taken from the README itself and run as written on the example table it ships. */
class ReadmeRecipesTest {

    @TempDir Path dir;

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The README's {@code ./backprop} lines that use the example table or the model they save. */
    private static List<String[]> recipes() throws Exception {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("./backprop ") && line.contains("heart")) {
                String command = line.replaceFirst("\\s+#.*$", "").substring("./backprop ".length()).trim();
                out.add(command.split("\\s+"));
            }
        }
        return out;
    }

    @Test
    void theHeartRecipesRunAsWritten() throws Exception {
        List<String[]> recipes = recipes();
        assertEquals(3, recipes.size(), "train, eval and predict on docs/examples/heart.csv");
        List<Cli.Run> runs = new ArrayList<>();
        for (String[] recipe : recipes) {
            String[] args = new String[recipe.length + 2];
            for (int i = 0; i < recipe.length; i++) {
                // the README runs from the repository root; the test from the module, files in a scratch folder
                args[i] = recipe[i].startsWith("docs/") ? ROOT.resolve(recipe[i]).toString()
                        : recipe[i].endsWith(".bpm") ? dir.resolve(recipe[i]).toString() : recipe[i];
            }
            args[recipe.length] = "--backend";
            args[recipe.length + 1] = "cpu";
            Cli.Run r = Cli.run(args);
            assertEquals(0, r.exit(), String.join(" ", recipe) + "\n" + r.err());
            runs.add(r);
        }
        Matcher done = Pattern.compile("done: test accuracy (\\d+\\.\\d{2})%").matcher(runs.get(0).out());
        assertTrue(done.find(), runs.get(0).out());
        // a noisy synthetic table: about three in four held-out patients right, far above the 60% majority
        assertTrue(Double.parseDouble(done.group(1)) > 70, runs.get(0).out());
        assertTrue(runs.get(0).out().contains("model: 13-1 (sigmoid"), "8 columns, 3 of them words, become 13 inputs");
        assertTrue(runs.get(1).out().contains("the 61 rows held out in training")
                && runs.get(1).out().contains("accuracy " + done.group(1) + "% over 61 samples"), runs.get(1).out());
        List<String> predicted = runs.get(2).out().strip().lines().toList();
        assertEquals("row,predicted,probability,label,top1,p1", predicted.get(0));
        assertEquals(6, predicted.size(), runs.get(2).out());
    }
}
