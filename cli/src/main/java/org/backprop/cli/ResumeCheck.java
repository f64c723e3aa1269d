package org.backprop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.backprop.data.Text;
import org.backprop.data.TableSpec;
import org.backprop.io.ModelState;
import org.backprop.nn.TrainingRecipe;
import picocli.CommandLine.ParseResult;

/**
 * What {@code train --resume} may change. The checkpoint holds the recipe and the data source;
 * an option given on the command line that disagrees with it is an error naming both values, so
 * that a resumed run is never silently a different run. The recipe's options are found from its
 * own fields ({@link TrainingRecipe#FIELDS} through {@link Flags}); options that do not change
 * what is trained (how long, where files go, which backend) are free: {@link #FREE_GROUPS}.
 */
final class ResumeCheck {

    /** The metadata key of the {@code --data} value a run was trained on, as it was given. */
    static final String DATA_SOURCE = "data.source";

    /**
     * Option groups whose options a resumed run may set to anything: they change where results
     * go and what computes them, not what is trained. The README lists the same.
     */
    static final List<String> FREE_GROUPS = List.of("Outputs", "Device and cluster");

    /** Options outside those groups a resumed run may also change: how long, when to stop, the cache. */
    static final List<String> FREE = List.of("--epochs", "--early-stop", "--cache");

    /**
     * Settings outside the recipe that the checkpoint records and a resume checks ({@link #settings};
     * {@code --target-scaling} by {@link DataArgs#load}).
     */
    static final List<String> DATA_CHECKED = List.of("--test-split", "--val-split", "--clip-norm", "--standardize",
            "--data", "--label", "--test", "--delimiter", "--task", "--one-hot", "--missing", "--target-scaling");

    /** Every option a resume checks against the checkpoint: each recipe field's flag, and the data settings. */
    static List<String> checked() {
        List<String> out = new ArrayList<>(DATA_CHECKED);
        for (TrainingRecipe.Field f : TrainingRecipe.FIELDS) {
            if (f.fixedOnResume() && Flags.of(f.setting()) != null) {
                out.add(Flags.of(f.setting()));
            }
        }
        return out;
    }

    private ResumeCheck() { }

    /** One recipe setting: its option, its name in the checkpoint, the checkpoint's value, and "same as". */
    private record Setting(String option, String name, String saved, Predicate<String> same) { }

    /**
     * Compares every recipe field whose option was given with the checkpoint's: {@code asked} is
     * the recipe the options make, built over the checkpoint's architecture.
     *
     * @throws IllegalArgumentException for the first given option that conflicts with the
     *                                  checkpoint's recipe or its recorded data settings
     */
    static void requireAgrees(ParseResult given, ModelState st, TrainingRecipe saved, TrainingRecipe asked) {
        for (TrainingRecipe.Field f : TrainingRecipe.FIELDS) {
            String flag = Flags.of(f.setting());
            if (f.fixedOnResume() && flag != null && given.hasMatchedOption(flag)
                    && !f.value().apply(asked).equals(f.value().apply(saved))) {
                throw conflict(given, flag, f.key(), f.value().apply(saved));
            }
        }
        for (Setting s : settings(st)) {
            if (given.hasMatchedOption(s.option()) && !s.same().test(value(given, s.option()))) {
                throw conflict(given, s.option(), s.name(), s.saved());
            }
        }
    }

    private static String value(ParseResult given, String option) {
        Object typed = given.matchedOption(option).getValue();
        return typed instanceof Boolean b ? b.toString() : String.join(",", given.matchedOption(option).stringValues()).trim();
    }

    private static IllegalArgumentException conflict(ParseResult given, String option, String name, String saved) {
        Object typed = given.matchedOption(option).getValue();
        String shown = typed instanceof Boolean b ? (b ? option : option.replace("--", "--no-"))
                : option + " " + value(given, option);
        return new IllegalArgumentException(Text.printable(shown) + " conflicts with the checkpoint's " + name + " "
                + Text.printable(saved) + "; leave it out to resume, or start a new run");
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

    private static List<Setting> settings(ModelState st) {
        List<Setting> s = new ArrayList<>();
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

    private static boolean sameNumber(String given, String saved) {
        try {
            return Double.parseDouble(given) == Double.parseDouble(saved.trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
