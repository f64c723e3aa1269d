package org.backprop.cli;

import java.util.Locale;
import java.util.function.Predicate;
import org.backprop.io.ModelState;
import org.backprop.nn.Activation;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.LrSchedule;
import org.backprop.nn.Model;
import org.backprop.nn.MomentumRamp;
import org.backprop.nn.TrainingRecipe;

/** {@code train}'s options as a recipe: defaults filled in, options that do not apply refused. */
final class OptionsRecipe {

    private OptionsRecipe() { }

    /**
     * Options given that the rest of the command line makes meaningless, refused one line each
     * before any data is read (they would otherwise be silently ignored).
     */
    static void refuseNonApplying(ModelOptions m, OptimiserOptions o, RunOptions r, DeviceOptions d) {
        String opt = o.optimizer.trim().toLowerCase(Locale.ROOT);
        String kind = o.lrSchedule.trim().toLowerCase(Locale.ROOT);
        boolean resuming = r.resume != null;   // a resume's optimiser and schedule are the checkpoint's
        if (!resuming && o.momentum != null && !opt.equals("momentum") && !opt.equals("nesterov")) {
            throw new IllegalArgumentException("--momentum applies to --optimizer momentum or nesterov, not " + opt
                    + "; leave it out");
        }
        if (!resuming && o.momentumRamp != null && !opt.equals("momentum") && !opt.equals("nesterov")) {
            throw new IllegalArgumentException("--momentum-ramp applies to --optimizer momentum or nesterov, not " + opt
                    + "; leave it out");
        }
        if (o.momentumRamp != null && o.momentum != null) {
            throw new IllegalArgumentException("--momentum-ramp sets the momentum of every step: leave out --momentum");
        }
        if (!resuming && o.rho != null && !opt.equals("rmsprop")) {
            throw new IllegalArgumentException("--rho applies to --optimizer rmsprop, not " + opt + "; leave it out");
        }
        if (!resuming && o.eps != null && !opt.equals("rmsprop") && !opt.equals("adam") && !opt.equals("adamw")) {
            throw new IllegalArgumentException("--eps applies to --optimizer rmsprop, adam or adamw, not " + opt
                    + "; leave it out");
        }
        if (m.maxNorm != null && !(m.maxNorm > 0 && Float.isFinite(m.maxNorm))) {
            throw new IllegalArgumentException("--max-norm must be a positive number (leave it out for none), got "
                    + m.maxNorm);
        }
        if (m.maxNorm != null && m.layers.trim().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException("--max-norm bounds the hidden units' incoming weights, and --layers none"
                    + " has no hidden layer");
        }
        if (!resuming && o.lrDecay != null && !kind.equals("exponential") && !kind.equals("step")) {
            throw new IllegalArgumentException("--lr-decay applies to --lr-schedule exponential or step, not " + kind
                    + "; leave it out");
        }
        if (!resuming && o.lrStep != null && !kind.equals("step")) {
            throw new IllegalArgumentException("--lr-step applies to --lr-schedule step, not " + kind + "; leave it out");
        }
        if (o.warmup < 0 || (!resuming && o.warmup >= r.epochs)) {
            throw new IllegalArgumentException("--warmup must be between 0 and --epochs - 1, got " + o.warmup);
        }
        if (d.syncEvery != 1 && d.spark == null) {
            throw new IllegalArgumentException("--sync-every only applies to --spark training");
        }
        if (r.earlyStop > 0 && r.valSplit == 0) {
            throw new IllegalArgumentException("--early-stop watches the validation loss: give --val-split too"
                    + " (stopping on the test set would tune the model to it)");
        }
        if (m.dropout != null && m.layers.trim().equalsIgnoreCase("none")) {
            throw new IllegalArgumentException("--dropout needs a hidden layer: dropout goes after hidden layers,"
                    + " and --layers none has none");
        }
    }

    /**
     * The recipe the options ask for; with {@code initial} weights and no {@code --layers}, the
     * architecture (widths, and activations unless given) is the initial weights' own.
     */
    static TrainingRecipe of(ModelOptions m, OptimiserOptions o, RunOptions r, ModelState initial, boolean regression,
                             Predicate<String> given) {
        int[] hidden = parseLayers(m.layers);
        Activation act = Activation.parse(m.activation);
        Activation out = m.output != null ? Activation.parse(m.output) : null;
        if (initial != null && !given.test("--layers")) {
            int n = initial.layers().size();
            hidden = new int[n - 1];
            for (int i = 0; i < n - 1; i++) {
                hidden[i] = initial.layers().get(i).outputs();
            }
            act = n > 1 && !given.test("--activation") ? Model.savedActivation(initial, 0) : act;
            out = !given.test("--output") ? Model.savedActivation(initial, n - 1) : out;
        }
        if (act == Activation.SOFTMAX) {
            throw new IllegalArgumentException("--activation softmax is only for the output layer: use --output softmax");
        }
        Loss l;
        if (regression) {
            // a quantity: one linear output unit and squared error, whatever a classifier would default to
            out = Regression.output(m.output);
            l = Regression.loss(m.loss);
        } else {
            out = out == null ? Activation.SOFTMAX : out;
            if (out != Activation.SOFTMAX && out != Activation.SIGMOID) {
                throw new IllegalArgumentException("--output must be softmax or sigmoid, got " + out.id()
                        + (out == Activation.IDENTITY ? " (a linear output is for a regression: --task regression)" : ""));
            }
            l = m.loss != null ? Loss.parse(m.loss) : out == Activation.SOFTMAX ? Loss.CROSS_ENTROPY
                    : Loss.BINARY_CROSS_ENTROPY;
        }
        String opt = o.optimizer.toLowerCase(Locale.ROOT);
        if (r.resume != null && initial != null && !given.test("--optimizer") && initial.metadata().get("optimizer") != null) {
            opt = initial.metadata().get("optimizer").trim().toLowerCase(Locale.ROOT);   // compared as the run's own
        }
        float rate = o.lr != null ? o.lr : TrainingRecipe.defaultLr(opt, hidden.length);
        float decay = o.weightDecay != null ? o.weightDecay : opt.equals("adamw") ? 0.01f : 0f;
        float[] drop = m.dropout == null || hidden.length == 0 ? null : TrainingRecipe.parseRates(m.dropout, hidden.length);
        Init chosen = Init.parse(m.weightInit);
        Init in = chosen == Init.AUTO && hidden.length == 0 ? Init.ZEROS : chosen;
        String kind = o.lrSchedule.trim().toLowerCase(Locale.ROOT);
        float gamma = o.lrDecay != null ? o.lrDecay : kind.equals("step") ? 0.1f : kind.equals("exponential") ? 0.8f : 1f;
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + gamma);
        }
        if (o.lrStep != null && o.lrStep < 1) {
            throw new IllegalArgumentException("--lr-step must be at least 1 epoch, got " + o.lrStep);
        }
        LrSchedule schedule = new LrSchedule(kind, gamma, o.lrStep != null ? o.lrStep : 5, o.warmup);
        float momentum = o.momentum != null ? o.momentum : 0.9f;
        return new TrainingRecipe(hidden, act, out, l, opt, rate, schedule, momentum, decay, drop, in, r.seed, r.batch,
                r.epochs, m.inputDropout != null ? m.inputDropout : 0f, m.maxNorm != null ? m.maxNorm : 0f,
                o.momentumRamp != null ? MomentumRamp.parse(o.momentumRamp) : null,
                o.rho != null ? o.rho : TrainingRecipe.DEFAULT_RHO, o.eps != null ? o.eps : TrainingRecipe.DEFAULT_EPS,
                Augmenting.of(r));
    }

    static int[] parseLayers(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
            if (out[i] < 1 || out[i] > 1 << 20) {
                throw new IllegalArgumentException("--layers: '" + parts[i].trim() + "' is not a layer width:"
                        + " expected positive integers separated by commas, e.g. 1024,1024, or 'none'");
            }
        }
        return out;
    }
}
