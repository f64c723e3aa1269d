package org.backprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.backprop.data.Text;
import org.backprop.data.TableSpec;
import org.backprop.io.ModelState;
import org.backprop.nn.Activation;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.TrainingRecipe;
import picocli.CommandLine.ParseResult;

/**
 * What {@code train --resume} may change. The checkpoint holds the recipe and the data source;
 * an option given on the command line that disagrees with it is an error naming both values, so
 * that a resumed run is never silently a different run. Options that do not change what is
 * trained (how long, where files go, which backend) are free: {@link #MAY_CHANGE}.
 */
final class ResumeCheck {

    /** The metadata key of the {@code --data} value a run was trained on, as it was given. */
    static final String DATA_SOURCE = "data.source";

    /** Options a resumed run may set to anything; the README lists the same. */
    static final List<String> MAY_CHANGE = List.of("--epochs", "--checkpoint", "--checkpoint-every", "--save",
            "--save-best", "--history", "--plot", "--weights-png", "--plot-boundary", "--confusion", "--early-stop",
            "--overwrite", "--backend", "--threads", "--fallback", "--no-cuda-graph", "--progress", "--memory",
            "--spark", "--sync-every", "--cache");

    /**
     * Options checked against the checkpoint ({@link #requireAgrees}, {@code --data} by {@link #dataSource},
     * {@code --target-scaling} by {@link DataArgs#load}).
     */
    static final List<String> CHECKED = List.of("--layers", "--activation", "--output", "--loss", "--optimizer", "--lr",
            "--momentum", "--weight-decay", "--dropout", "--lr-schedule", "--lr-decay", "--lr-step", "--warmup",
            "--weight-init", "--seed", "--batch", "--test-split", "--val-split", "--clip-norm", "--standardize",
            "--data", "--label", "--test", "--delimiter", "--task", "--one-hot", "--missing", "--target-scaling");

    private ResumeCheck() { }

    /** One recipe setting: its option, its name in the checkpoint, the checkpoint's value, and "same as". */
    private record Setting(String option, String name, String saved, Predicate<String> same) { }

    /**
     * @throws IllegalArgumentException for the first option given explicitly that conflicts with
     *                                  the checkpoint's recipe
     */
    static void requireAgrees(ParseResult given, ModelState st, TrainingRecipe saved) {
        for (Setting s : settings(st, saved)) {
            if (!given.hasMatchedOption(s.option())) {
                continue;
            }
            Object typed = given.matchedOption(s.option()).getValue();
            String value = typed instanceof Boolean b ? b.toString()
                    : String.join(",", given.matchedOption(s.option()).stringValues()).trim();
            if (!s.same().test(value)) {
                String option = typed instanceof Boolean b ? (b ? s.option() : s.option().replace("--", "--no-"))
                        : s.option() + " " + value;
                throw new IllegalArgumentException(Text.printable(option) + " conflicts with the checkpoint's "
                        + s.name() + " " + Text.printable(s.saved()) + "; leave it out to resume, or start a new run");
            }
        }
    }

    /**
     * The {@code --data} value a resumed run trains on: the checkpoint's when none is given (a
     * line says so when it differs from the default), the given one when it names the same data.
     * An older checkpoint that does not record its data keeps the given (or default) value, with
     * a one-line note.
     */
    static String dataSource(ParseResult given, ModelState st, String current) {
        String saved = st.metadata().get(DATA_SOURCE);
        if (saved == null) {
            System.out.println("resume: the checkpoint does not record its data (written by an older backprop);"
                    + " training on " + Text.printable(current));
            return current;
        }
        if (!given.hasMatchedOption("--data")) {
            return saved;
        }
        if (!sameSource(saved, current)) {
            throw new IllegalArgumentException("--resume: the checkpoint was trained on " + Text.printable(saved)
                    + ", --data " + Text.printable(current) + " given; leave --data out to resume, or start a new run");
        }
        return current;
    }

    /** The same name, or two paths to one file (a CSV given relative to another directory). */
    private static boolean sameSource(String saved, String given) {
        if (saved.trim().equalsIgnoreCase(given.trim())) {
            return true;
        }
        try {
            Path a = Path.of(saved.trim());
            Path b = Path.of(given.trim());
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }

    private static List<Setting> settings(ModelState st, TrainingRecipe r) {
        List<Setting> s = new ArrayList<>();
        int[] hidden = r.hidden();
        s.add(new Setting("--layers", "layers", hidden.length == 0 ? "none" : join(hidden),
                v -> Arrays.equals(TrainCommand.parseLayers(v), hidden)));
        if (hidden.length > 0) {
            s.add(new Setting("--activation", "activation", r.activation().id(),
                    v -> Activation.parse(v) == r.activation()));
        }
        s.add(new Setting("--output", "output", r.output().id(), v -> Activation.parse(v) == r.output()));
        s.add(new Setting("--loss", "loss", r.loss().id(), v -> Loss.parse(v) == r.loss()));
        s.add(new Setting("--optimizer", "optimizer", r.optimizer(), v -> v.equalsIgnoreCase(r.optimizer())));
        s.add(floatSetting("--lr", "lr", r.lr()));
        s.add(floatSetting("--momentum", "momentum", r.momentum()));
        s.add(floatSetting("--weight-decay", "weight-decay", r.weightDecay()));
        float[] dropout = r.dropout();
        s.add(new Setting("--dropout", "dropout", join(dropout),
                v -> hidden.length > 0 && Arrays.equals(TrainingRecipe.parseRates(v, hidden.length), dropout)));
        s.add(new Setting("--lr-schedule", "lr-schedule", r.schedule().kind(),
                v -> v.equalsIgnoreCase(r.schedule().kind())));
        s.add(floatSetting("--lr-decay", "lr-decay", r.schedule().gamma()));
        s.add(new Setting("--lr-step", "lr-step", Integer.toString(r.schedule().stepSize()),
                v -> Integer.parseInt(v) == r.schedule().stepSize()));
        s.add(new Setting("--warmup", "warmup", Integer.toString(r.schedule().warmup()),
                v -> Integer.parseInt(v) == r.schedule().warmup()));
        s.add(new Setting("--weight-init", "init", r.init().id(), v -> {
            Init i = Init.parse(v);
            // what fromOptions resolves auto to for a regression
            return (i == Init.AUTO && hidden.length == 0 ? Init.ZEROS : i) == r.init();
        }));
        s.add(new Setting("--seed", "seed", Long.toString(r.seed()), v -> Long.parseLong(v) == r.seed()));
        s.add(new Setting("--batch", "batch", Integer.toString(r.batch()), v -> Integer.parseInt(v) == r.batch()));
        Map<String, String> m = st.metadata();
        for (String key : new String[] {"test-split", "val-split", "clip-norm"}) {
            String saved = m.get(key);
            if (saved != null) {
                s.add(new Setting("--" + key, key, saved.trim(), v -> sameNumber(v, saved)));
            }
        }
        if (m.containsKey("data.columns")) {   // a CSV run: how its table was read and encoded
            csvSettings(s, m);
        }
        boolean scaled = st.extras().containsKey(Scaling.MEAN);
        if (scaled || m.containsKey(TrainCommand.FEATURES_KEY)) {   // a CSV run: --standardize meant something
            s.add(new Setting("--standardize", "scaling", scaled ? "standardised features" : "unscaled features",
                    v -> Boolean.parseBoolean(v) == scaled));
        }
        return s;
    }

    /** The CSV options the checkpoint's data.* keys record; "auto" agrees with what auto chose then. */
    private static void csvSettings(List<Setting> s, Map<String, String> m) {
        String label = m.get("data.label") != null ? m.get("data.label") : m.get("data.label-column");
        if (label != null) {
            s.add(new Setting("--label", "label column", label, v -> v.equals(label)
                    || v.equals(m.get("data.label-column"))));
        }
        String test = m.get("data.test");
        s.add(new Setting("--test", "test file", test == null ? "none (a seeded hold-out)" : test,
                v -> test != null && sameSource(test, v)));
        String delim = m.getOrDefault("data.delimiter", ",");
        s.add(new Setting("--delimiter", "delimiter", delim, v -> {
            Character c = DataArgs.delimiter(v);
            return c != null && String.valueOf(c).equals(delim);
        }));
        String task = m.getOrDefault("data.task", "classification");
        s.add(new Setting("--task", "task", task, v -> v.equalsIgnoreCase("auto") || v.equalsIgnoreCase(task)));
        String oneHot = m.getOrDefault("data.one-hot", "");
        s.add(new Setting("--one-hot", "one-hot columns", oneHot.isEmpty() ? "none" : oneHot,
                v -> v.equalsIgnoreCase("auto") || new java.util.HashSet<>(TableSpec.splitList(v))
                        .equals(new java.util.HashSet<>(TableSpec.splitList(oneHot)))));
        String missing = m.getOrDefault("data.missing", "error");
        s.add(new Setting("--missing", "missing-cell policy", missing, v -> v.equalsIgnoreCase(missing)));
    }

    private static Setting floatSetting(String option, String name, float saved) {
        return new Setting(option, name, Float.toString(saved), v -> Float.parseFloat(v) == saved);
    }

    private static boolean sameNumber(String given, String saved) {
        try {
            return Double.parseDouble(given) == Double.parseDouble(saved.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String join(int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int w : widths) {
            b.append(b.length() == 0 ? "" : ",").append(w);
        }
        return b.toString();
    }

    private static String join(float[] rates) {
        StringBuilder b = new StringBuilder();
        for (float r : rates) {
            b.append(b.length() == 0 ? "" : ",").append(r);
        }
        return b.length() == 0 ? "none" : b.toString().toLowerCase(Locale.ROOT);
    }
}
