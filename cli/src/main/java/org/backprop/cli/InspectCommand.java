package org.backprop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.data.TableSpec;
import org.backprop.data.TargetScaling;
import org.backprop.data.Text;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code backprop inspect}: what a saved model is and what it learned, read from the file alone
 * (no backend): the architecture, the parameter counts, per-layer weight statistics, the run's
 * recipe, and the input features with the largest first-layer weights.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a saved model: architecture, parameter counts, weight statistics per layer, the recipe"
                + " it was trained with, and the input features it weighs most.")
final class InspectCommand implements Callable<Integer> {

    @Mixin SavedModelOption savedModel = new SavedModelOption();

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "How many input features to list by the size of their weights (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--weights-png", paramLabel = "FILE.png",
            description = "Draw the first layer's weights of an image model as one tile per hidden unit.")
    Path weightsPng;

    @Override
    public Integer call() throws Exception {
        savedModel.requireFile();
        if (top < 0) {
            throw new IllegalArgumentException("--top must be 0 or more, got " + top);
        }
        if (weightsPng != null && !weightsPng.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--weights-png writes a PNG: give a file name ending in .png, got " + weightsPng);
        }
        ModelState st = savedModel.read();
        List<LayerState> layers = st.layers();
        StringBuilder arch = new StringBuilder().append(layers.get(0).inputs());
        long weights = 0, biases = 0;
        for (LayerState l : layers) {
            arch.append('-').append(l.outputs());
            weights += (long) l.inputs() * l.outputs();
            biases += l.outputs();
        }
        System.out.println("model: " + savedModel.file);
        List<String> acts = new ArrayList<>();
        boolean unnamed = false;
        for (int i = 0; i < layers.size(); i++) {
            unnamed |= layers.get(i).activation().isBlank();
            acts.add(org.backprop.nn.Model.savedActivation(st, i).id());
        }
        // what eval and predict will use for a layer the file does not name (docs/npz-format.md)
        System.out.println("architecture: " + arch + " (" + String.join(", ", acts)
                + (unnamed ? "; the file names no activation for some layers: these are the defaults" : "") + ")");
        System.out.printf(Locale.ROOT, "parameters: %d = %d weights + %d biases%n", weights + biases, weights, biases);
        Map<String, String> meta = st.metadata();
        boolean regression = isRegression(st);
        List<String> recipe = recipe(meta);
        if (!recipe.isEmpty()) {
            System.out.println(Terminal.wrap("recipe: " + String.join(", ", recipe), Terminal.PLAIN));
        }
        List<String> data = data(meta, regression);
        if (!data.isEmpty()) {
            // how the data was read, split and encoded: what eval and predict reapply
            System.out.println(Terminal.wrap("data: " + String.join(", ", data), Terminal.PLAIN));
        }
        TargetScaling targets = Scaling.targets(st);
        if (targets != null) {
            System.out.println(targets + ": eval and predict report in the targets' units");
        }
        System.out.println("layer  shape        weights: mean       std       min       max   |w| mean    bias: mean       std");
        for (int i = 0; i < layers.size(); i++) {
            LayerState l = layers.get(i);
            double[] w = stats(l.weights());
            double[] b = stats(l.bias());
            System.out.printf(Locale.ROOT, "%-6d %-12s %13.4f %9.4f %9.4f %9.4f %10.4f %11.4f %9.4f%n", i,
                    l.inputs() + "x" + l.outputs(), w[0], w[1], w[2], w[3], w[4], b[0], b[1]);
        }
        if (top > 0) {
            printTopFeatures(st, layers.get(0), regression);
        }
        if (weightsPng != null) {
            LayerState first = layers.get(0);
            WeightsPicture.draw(first.weights(), first.inputs(), first.outputs(),
                    "First-layer weights: " + savedModel.file.getFileName() + " (" + arch + ")", weightsPng);
            System.out.println("weights: " + weightsPng);
        }
        return 0;
    }

    /**
     * The inputs the first layer weighs most: for one output unit (logistic regression) its
     * signed weight per feature, otherwise the mean |w| of the feature's outgoing weights. On
     * standardised CSV features the weights compare like for like; names come from the CSV header.
     */
    private void printTopFeatures(ModelState st, LayerState first, boolean regression) {
        String saved = st.metadata().get(TrainCommand.FEATURES_KEY);
        List<String> names = saved == null ? null : Arrays.asList(saved.split(",", -1));
        if (names != null && names.size() != first.inputs()) {
            names = null;
        }
        int n = first.inputs(), units = first.outputs();
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            if (units == 1) {
                score[i] = first.weights()[i];
            } else {
                double s = 0;
                for (int u = 0; u < units; u++) {
                    s += Math.abs(first.weights()[i * units + u]);
                }
                score[i] = s / units;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(score[b]), Math.abs(score[a])));
        boolean scaled = st.extras().containsKey(Scaling.MEAN);
        String signed = regression ? "+ raises the prediction" : "+ pushes towards " + positiveClass(st.metadata());
        System.out.println("inputs with the largest " + (units == 1 ? "weights (signed: " + signed + ")"
                : "mean |weight| over the " + units + " first-layer units") + (scaled ? ", on standardised features:" : ":"));
        for (int k = 0; k < Math.min(top, n); k++) {
            int i = order[k];
            String name = names != null ? names.get(i) : n == 784 ? String.format(Locale.ROOT, "pixel (row %d, col %d)", i / 28, i % 28)
                    : "feature " + i;
            System.out.printf(Locale.ROOT, "  %2d. %-28s %+.4f%n", k + 1, shorten(Text.printable(name), 60), score[i]);
        }
    }

    /** A regression: its data says so, or (a model without data metadata) its output layer is linear. */
    static boolean isRegression(ModelState st) {
        String task = st.metadata().get("data.task");
        if (task != null) {
            return task.equals("regression");
        }
        List<LayerState> layers = st.layers();
        return org.backprop.nn.Model.savedActivation(st, layers.size() - 1) == org.backprop.nn.Activation.IDENTITY;
    }

    /** The class a single sigmoid unit's output is the probability of: the second name, else "class 1". */
    private static String positiveClass(Map<String, String> meta) {
        String saved = meta.get("data.classes");
        List<String> names = saved == null ? List.of() : TableSpec.splitList(saved);
        return names.size() == 2 ? Text.printable(names.get(1)) : "class 1";
    }

    /**
     * The recipe's settings that applied to this run: momentum only for the optimisers that use
     * it (or its ramp), ρ and ε only for the rules that read them, the decay and step only for the
     * schedules that read them, and the regularisers, warm-up and validation split only where they were on.
     */
    static List<String> recipe(Map<String, String> meta) {
        String optimizer = meta.getOrDefault("optimizer", "");
        String schedule = meta.getOrDefault("lr-schedule", "");
        boolean split = meta.containsKey("data.test-split");
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String k = e.getKey(), v = e.getValue();
            boolean applies = switch (k) {
                case "momentum" -> (optimizer.equals("momentum") || optimizer.equals("nesterov"))
                        && meta.getOrDefault("momentum-ramp", "none").equals("none");
                case "momentum-ramp" -> !v.equals("none");
                case "augment" -> !v.equals("none");
                case "augment-rotate", "augment-scale", "augment-shift", "elastic-sigma", "elastic-alpha" -> !v.equals("-");
                case "rho" -> optimizer.equals("rmsprop");
                case "eps" -> optimizer.equals("rmsprop") || optimizer.startsWith("adam");
                case "lr-decay" -> schedule.equals("exponential") || schedule.equals("step");
                case "lr-step" -> schedule.equals("step");
                case "warmup", "weight-decay", "clip-norm", "val-split", "dropout", "input-dropout", "max-norm" -> !zeros(v);
                case "test-split" -> !split;   // the data line has it, with the split's seed
                case "epoch" -> false;         // beside epochs, below
                default -> !k.startsWith("data.") && !k.equals(TrainCommand.FEATURES_KEY);
            };
            if (k.equals("epochs") && meta.containsKey("epoch") && !meta.get("epoch").equals(v)) {
                out.add("epochs=" + Text.printable(v) + " (saved after epoch " + Text.printable(meta.get("epoch")) + ")");
            } else if (applies) {
                out.add(k + "=" + Text.printable(v));
            }
        }
        return out;
    }

    /**
     * How the data was read: lists of names as a count and the first few, the columns only where
     * they differ from the features, nothing empty, and no classes for a regression.
     */
    static List<String> data(Map<String, String> meta, boolean regression) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (!e.getKey().startsWith("data.")) {
                continue;
            }
            String k = e.getKey().substring("data.".length()), v = e.getValue();
            boolean skip = v.isEmpty() || k.equals("column-index") || k.startsWith("target-")
                    || (k.equals("columns") && v.equals(meta.get("data.features")))
                    || (regression && k.equals("classes"));
            if (skip) {
                continue;
            }
            if (k.equals("columns") || k.equals("features") || k.equals("classes")) {
                out.add(k + "=" + firstFew(TableSpec.splitList(v)));
            } else if (k.equals("delimiter")) {
                out.add(k + "='" + Text.printable(v) + "'");
            } else {
                out.add(k + "=" + Text.printable(v));
            }
        }
        return out;
    }

    /** "4 (a, b, c, d)", or "64 (p0, p1, p2, p3, p4 and 59 more)". */
    static String firstFew(List<String> names) {
        int shown = names.size() <= 6 ? names.size() : 5;
        List<String> head = new ArrayList<>();
        for (int i = 0; i < shown; i++) {
            head.add(shorten(Text.printable(names.get(i)), 32));
        }
        return names.size() + " (" + String.join(", ", head)
                + (shown < names.size() ? " and " + (names.size() - shown) + " more" : "") + ")";
    }

    private static boolean zeros(String v) {
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;   // "dropout=" of a model with no hidden layer: no rates at all
            }
            try {
                if (Double.parseDouble(part.trim()) != 0) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** {@code s}, or its start and end around "..." when longer than {@code max}: names often differ at the end. */
    private static String shorten(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int tail = (max - 3) / 3;
        return s.substring(0, max - 3 - tail) + "..." + s.substring(s.length() - tail);
    }

    /** mean, std, min, max, mean |x|. */
    static double[] stats(float[] v) {
        double sum = 0, abs = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (float x : v) {
            sum += x;
            abs += Math.abs(x);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double mean = sum / v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(var / v.length), min, max, abs / v.length};
    }
}
