package org.backprop.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.backprop.core.Backend;

/**
 * Everything that defines a training run, in one place for the CLI, the benchmarks and
 * checkpoints: the architecture (hidden widths, activations, dropout per hidden layer), the loss,
 * the optimiser and its settings, the schedule and the batch. {@link #metadata} writes it into a
 * checkpoint and {@link #fromMetadata} reads it back, so a resumed run continues the same recipe.
 *
 * @param hidden      hidden layer widths (empty for logistic or softmax regression)
 * @param activation  hidden activation
 * @param output      output activation (softmax or sigmoid)
 * @param loss        training loss
 * @param optimizer   sgd, momentum, nesterov, rmsprop, adam or adamw
 * @param lr          base learning rate
 * @param schedule    the learning rate per epoch
 * @param momentum    μ for momentum and nesterov
 * @param weightDecay λ (PyTorch's weight_decay; decoupled for adamw)
 * @param dropout     dropout rate after each hidden layer (length = hidden.length; 0 = none)
 * @param init        weight initialisation
 * @param seed        seed of initialisation, shuffling and dropout
 * @param batch       minibatch size
 * @param epochs      epochs to train to
 * @param inputDropout dropout rate on the input features (0 = none)
 * @param maxNorm     bound on each hidden unit's incoming weight norm after every step (0 = off)
 * @param momentumRamp μ rising over the first updates for momentum and nesterov (null = constant μ)
 * @param rho         RMSprop's smoothing constant (PyTorch's alpha, Keras's rho)
 * @param eps         the ε of RMSprop, Adam and AdamW
 * @param augment     the deformations of the training images, regenerated every epoch (null = none)
 */
public record TrainingRecipe(int[] hidden, Activation activation, Activation output, Loss loss, String optimizer,
                             float lr, LrSchedule schedule, float momentum, float weightDecay, float[] dropout,
                             Init init, long seed, int batch, int epochs, float inputDropout, float maxNorm,
                             MomentumRamp momentumRamp, float rho, float eps,
                             org.backprop.data.Deformation augment) {

    /** RMSprop's ρ when none is given (PyTorch's alpha). */
    public static final float DEFAULT_RHO = 0.99f;

    /** The ε of RMSprop, Adam and AdamW when none is given (PyTorch's). */
    public static final float DEFAULT_EPS = 1e-8f;

    /** The optimiser names {@link #optimizer()} accepts. */
    public static final String OPTIMIZERS = "sgd, momentum, nesterov, rmsprop, adam or adamw";

    /**
     * The one validator of a recipe, whether it comes from options, code or a checkpoint: each
     * error names the setting ({@link InvalidSetting#setting()}), never a command-line flag.
     */
    public TrainingRecipe {
        hidden = hidden.clone();
        for (int h : hidden) {
            InvalidSetting.require(h >= 1 && h <= 1 << 20, "layers", "widths must be between 1 and 1048576, got " + h);
        }
        dropout = dropout == null ? new float[hidden.length] : dropout.clone();
        InvalidSetting.require(dropout.length == hidden.length, "dropout", "has " + dropout.length + " rates for "
                + hidden.length + " hidden layers (give one rate, or one per hidden layer)");
        for (float d : dropout) {
            InvalidSetting.require(d >= 0 && d < 1, "dropout", "rate must be in [0, 1), got " + d);
        }
        InvalidSetting.require(activation != Activation.SOFTMAX, "activation",
                "softmax is only for the output layer (the output setting)");
        InvalidSetting.require(schedule != null, "learning-rate schedule", "is required (LrSchedule.constant() for none)");
        optimizer = optimizer.toLowerCase(Locale.ROOT);
        defaultLr(optimizer); // rejects an unknown name
        InvalidSetting.require(lr > 0 && lr <= 10, "learning rate", "must be in (0, 10], got " + lr);
        InvalidSetting.require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        InvalidSetting.require(weightDecay >= 0 && weightDecay < 1, "weight decay", "must be in [0, 1), got " + weightDecay);
        InvalidSetting.require(batch >= 1 && batch <= 1 << 20, "batch", "must be between 1 and 1048576, got " + batch);
        InvalidSetting.require(epochs >= 1 && epochs <= 100_000, "epochs", "must be between 1 and 100000, got " + epochs);
        InvalidSetting.require(schedule.warmup() < epochs, "warmup", "must be between 0 and the epochs - 1, got "
                + schedule.warmup());
        InvalidSetting.require(inputDropout >= 0 && inputDropout < 1, "input dropout", "rate must be in [0, 1), got "
                + inputDropout);
        InvalidSetting.require(maxNorm >= 0 && Float.isFinite(maxNorm), "max-norm",
                "must be a positive number (0: off), got " + maxNorm);
        InvalidSetting.require(maxNorm == 0 || hidden.length > 0, "max-norm",
                "bounds the hidden units' incoming weights, and a model without hidden layers has none");
        boolean momentumRule = optimizer.equals("momentum") || optimizer.equals("nesterov");
        InvalidSetting.require(momentumRamp == null || momentumRule, "momentum ramp",
                "applies to the momentum and nesterov optimizers, not " + optimizer);
        InvalidSetting.require(rho >= 0 && rho < 1, "rho", "must be in [0, 1), got " + rho);
        InvalidSetting.require(rho == DEFAULT_RHO || optimizer.equals("rmsprop"), "rho",
                "applies to the rmsprop optimizer, not " + optimizer);
        InvalidSetting.require(eps > 0 && eps < 1, "eps", "must be in (0, 1), got " + eps);
        InvalidSetting.require(eps == DEFAULT_EPS || optimizer.equals("rmsprop") || optimizer.startsWith("adam"),
                "eps", "applies to the rmsprop, adam and adamw optimizers, not " + optimizer);
    }

    /** A recipe without deformations. */
    public TrainingRecipe(int[] hidden, Activation activation, Activation output, Loss loss, String optimizer,
                          float lr, LrSchedule schedule, float momentum, float weightDecay, float[] dropout,
                          Init init, long seed, int batch, int epochs, float inputDropout, float maxNorm,
                          MomentumRamp momentumRamp, float rho, float eps) {
        this(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay, dropout, init, seed,
                batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, null);
    }

    /** A recipe without input dropout, max-norm or a momentum ramp, with PyTorch's ρ and ε. */
    public TrainingRecipe(int[] hidden, Activation activation, Activation output, Loss loss, String optimizer,
                          float lr, LrSchedule schedule, float momentum, float weightDecay, float[] dropout,
                          Init init, long seed, int batch, int epochs) {
        this(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay, dropout, init, seed,
                batch, epochs, 0f, 0f, null, DEFAULT_RHO, DEFAULT_EPS, null);
    }

    /**
     * One field of a recipe as a setting: its name in messages, its key in a checkpoint's
     * metadata, and its value as text. A resumed run compares the settings given to it with the
     * checkpoint's through these; {@code resumable} is false for the one a resume may change
     * (the epochs to train to).
     */
    public record Field(String setting, String key, boolean fixedOnResume,
                        java.util.function.Function<TrainingRecipe, String> value) { }

    /** Every field of a recipe, in recipe order. */
    public static final java.util.List<Field> FIELDS = java.util.List.of(
            new Field("layers", "layers", true, r -> r.hidden.length == 0 ? "none" : joinInts(r.hidden)),
            new Field("activation", "activation", true, r -> r.hidden.length == 0 ? "-" : r.activation.id()),
            new Field("output", "output", true, r -> r.output.id()),
            new Field("loss", "loss", true, r -> r.loss.id()),
            new Field("dropout", "dropout", true, r -> join(r.dropout)),
            new Field("init", "init", true, r -> r.init.id()),
            new Field("optimizer", "optimizer", true, r -> r.optimizer),
            new Field("learning rate", "lr", true, r -> Float.toString(r.lr)),
            new Field("momentum", "momentum", true, r -> Float.toString(r.momentum)),
            new Field("weight decay", "weight-decay", true, r -> Float.toString(r.weightDecay)),
            new Field("learning-rate schedule", "lr-schedule", true, r -> r.schedule.kind()),
            new Field("learning-rate decay", "lr-decay", true, r -> Float.toString(r.schedule.gamma())),
            new Field("learning-rate step", "lr-step", true, r -> Integer.toString(r.schedule.stepSize())),
            new Field("warmup", "warmup", true, r -> Integer.toString(r.schedule.warmup())),
            new Field("seed", "seed", true, r -> Long.toString(r.seed)),
            new Field("batch", "batch", true, r -> Integer.toString(r.batch)),
            new Field("epochs", "epochs", false, r -> Integer.toString(r.epochs)),
            new Field("input dropout", "input-dropout", true, r -> Float.toString(r.inputDropout)),
            new Field("max-norm", "max-norm", true, r -> Float.toString(r.maxNorm)),
            new Field("momentum ramp", "momentum-ramp", true,
                    r -> r.momentumRamp == null ? "none" : r.momentumRamp.toString()),
            new Field("rho", "rho", true, r -> Float.toString(r.rho)),
            new Field("eps", "eps", true, r -> Float.toString(r.eps)),
            new Field("augment", "augment", true, r -> r.augment == null ? "none" : r.augment.kind()),
            new Field("rotation", "augment-rotate", true, r -> affine(r, r.augment == null ? 0 : r.augment.rotate())),
            new Field("scale", "augment-scale", true, r -> affine(r, r.augment == null ? 0 : r.augment.scale())),
            new Field("shift", "augment-shift", true, r -> affine(r, r.augment == null ? 0 : r.augment.shift())),
            new Field("elastic sigma", "elastic-sigma", true, r -> elastic(r, r.augment == null ? 0 : r.augment.sigma())),
            new Field("elastic alpha", "elastic-alpha", true, r -> elastic(r, r.augment == null ? 0 : r.augment.alpha())));

    /** An affine parameter as text, "-" when the recipe deforms no image affinely. */
    private static String affine(TrainingRecipe r, float v) {
        return r.augment != null && r.augment.affine() ? Float.toString(v) : "-";
    }

    private static String elastic(TrainingRecipe r, float v) {
        return r.augment != null && r.augment.elastic() ? Float.toString(v) : "-";
    }

    /** The same recipe with these deformations of the training images (null: none). */
    public TrainingRecipe withAugment(org.backprop.data.Deformation d) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay,
                dropout, init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, d);
    }

    private static String joinInts(int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int w : widths) {
            b.append(b.length() == 0 ? "" : ",").append(w);
        }
        return b.toString();
    }

    /**
     * The default {@code backprop train} recipe: 784-512-512-10 ReLU, softmax + cross-entropy,
     * Adam 1e-3 with a cosine schedule over the run's own epochs (it never freezes however many
     * are asked), batch 128, 10 epochs, no dropout, no weight decay.
     */
    public static TrainingRecipe defaults() {
        return new TrainingRecipe(new int[] {512, 512}, Activation.RELU, Activation.SOFTMAX, Loss.CROSS_ENTROPY,
                "adam", 1e-3f, LrSchedule.cosine(), 0.9f, 0f, null, Init.AUTO, 42, 128, 10);
    }

    public TrainingRecipe withHidden(int[] h, float[] drop) {
        return new TrainingRecipe(h, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay, drop,
                init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    public TrainingRecipe withActivation(Activation a) {
        return new TrainingRecipe(hidden, a, output, loss, optimizer, lr, schedule, momentum, weightDecay, dropout,
                init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    public TrainingRecipe withOptimizer(String name, float rate) {
        return new TrainingRecipe(hidden, activation, output, loss, name, rate, schedule, momentum, weightDecay, dropout,
                init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    /** An exponential schedule with this factor per epoch (1: constant). */
    public TrainingRecipe withLrDecay(float gamma) {
        return withSchedule(LrSchedule.exponential(gamma));
    }

    public TrainingRecipe withSchedule(LrSchedule s) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, s, momentum, weightDecay, dropout,
                init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    /** The per-epoch factor of an exponential schedule, 1 for any other (what the PyTorch peer replays). */
    public float lrDecay() {
        return schedule.kind().equals("exponential") ? schedule.gamma() : 1f;
    }

    public TrainingRecipe withWeightDecay(float lambda) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, schedule, momentum, lambda, dropout,
                init, seed, batch, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    public TrainingRecipe withBatch(int b) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay, dropout,
                init, seed, b, epochs, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    public TrainingRecipe withEpochs(int e) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay, dropout,
                init, seed, batch, e, inputDropout, maxNorm, momentumRamp, rho, eps, augment);
    }

    /** Input dropout, max-norm, a momentum ramp (null: none), ρ and ε: the regularisation and tuning settings. */
    public TrainingRecipe withTuning(float inputRate, float bound, MomentumRamp ramp, float r, float e) {
        return new TrainingRecipe(hidden, activation, output, loss, optimizer, lr, schedule, momentum, weightDecay,
                dropout, init, seed, batch, epochs, inputRate, bound, ramp, r, e, augment);
    }

    /** The network for {@code inputs} features and {@code outputs} output units, initialised from the seed. */
    public Model build(Backend backend, int inputs, int outputs) {
        Model.Builder b = Model.builder(inputs).inputDropout(inputDropout);
        for (int i = 0; i < hidden.length; i++) {
            b.dense(hidden[i], activation).dropout(dropout[i]);
        }
        return b.dense(outputs, output).init(init).seed(seed).build(backend);
    }

    /** A fresh optimiser with this recipe's rule, rate, momentum (or its ramp), ρ, ε and weight decay. */
    public Optimizer newOptimizer() {
        Optimizer o = switch (optimizer) {
            case "sgd" -> Optimizer.sgd(lr);
            case "momentum" -> momentumRamp != null ? Optimizer.momentum(lr, momentumRamp, false)
                    : Optimizer.momentum(lr, momentum);
            case "nesterov" -> momentumRamp != null ? Optimizer.momentum(lr, momentumRamp, true)
                    : Optimizer.nesterov(lr, momentum);
            case "rmsprop" -> Optimizer.rmsprop(lr, rho, eps);
            case "adam" -> Optimizer.adam(lr, 0.9f, 0.999f, eps);
            case "adamw" -> Optimizer.adamw(lr, 0f, eps);
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected " + OPTIMIZERS);
        };
        return o.withWeightDecay(weightDecay);
    }

    /**
     * The rate each rule starts from when none is given, for a model with {@code hiddenLayers}
     * hidden layers. The adaptive rules take 0.01 for a linear model (no hidden layer): its loss
     * is convex and its steps small, and at 0.001 a few hundred rows give too few updates for
     * logistic regression to converge (iris, 200 epochs of batch 32: 73% against 97% at 0.01,
     * where scikit-learn's LogisticRegression reaches 97%; bench/python/small_tables.py).
     */
    public static float defaultLr(String optimizer, int hiddenLayers) {
        float rate = defaultLr(optimizer);
        boolean adaptive = switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "rmsprop", "adam", "adamw" -> true;
            default -> false;
        };
        return adaptive && hiddenLayers == 0 ? 0.01f : rate;
    }

    /** The rate each rule starts from when none is given, with hidden layers. */
    public static float defaultLr(String optimizer) {
        return switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "sgd" -> 0.1f;
            case "momentum", "nesterov" -> 0.05f;
            case "rmsprop", "adam", "adamw" -> 0.001f;
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected " + OPTIMIZERS);
        };
    }

    /** "784-512-512-10 relu, Adam lr 0.001 ×0.8/epoch, batch 128" for {@code inputs} and {@code outputs}. */
    public String describe(int inputs, int outputs) {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (int h : hidden) {
            sb.append('-').append(h);
        }
        sb.append('-').append(outputs).append(' ').append(activation.id());
        if (Arrays.stream(toDoubles(dropout)).anyMatch(d -> d > 0)) {
            sb.append(", dropout ").append(join(dropout));
        }
        sb.append(", ").append(optimizer).append(" lr ").append(lr);
        if (schedule.decays()) {
            sb.append(' ').append(schedule.describe());
        }
        if (weightDecay > 0) {
            sb.append(", weight decay ").append(weightDecay);
        }
        if (inputDropout > 0) {
            sb.append(", input dropout ").append(inputDropout);
        }
        if (maxNorm > 0) {
            sb.append(", max-norm ").append(maxNorm);
        }
        if (momentumRamp != null) {
            sb.append(", momentum ramp ").append(momentumRamp);
        }
        if (augment != null) {
            sb.append(", augment ").append(augment.describe());
        }
        return sb.append(", batch ").append(batch).toString();
    }

    /** The recipe as checkpoint metadata, with the number of epochs completed. */
    public Map<String, String> metadata(int epochDone) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epoch", Integer.toString(epochDone));
        m.put("epochs", Integer.toString(epochs));
        m.put("loss", loss.id());
        m.put("optimizer", optimizer);
        m.put("lr", Float.toString(lr));
        m.put("lr-schedule", schedule.kind());
        m.put("lr-decay", Float.toString(schedule.gamma()));
        m.put("lr-step", Integer.toString(schedule.stepSize()));
        m.put("warmup", Integer.toString(schedule.warmup()));
        m.put("momentum", Float.toString(momentum));
        m.put("weight-decay", Float.toString(weightDecay));
        m.put("dropout", join(dropout));
        m.put("init", init.name().toLowerCase(Locale.ROOT));
        m.put("seed", Long.toString(seed));
        m.put("batch", Integer.toString(batch));
        m.put("input-dropout", Float.toString(inputDropout));
        m.put("max-norm", Float.toString(maxNorm));
        m.put("momentum-ramp", momentumRamp == null ? "none" : momentumRamp.toString());
        m.put("rho", Float.toString(rho));
        m.put("eps", Float.toString(eps));
        for (Field f : FIELDS.subList(FIELDS.size() - 6, FIELDS.size())) {   // the deformation's six
            m.put(f.key(), f.value().apply(this));
        }
        return m;
    }

    /**
     * The recipe a checkpoint was trained with: the architecture from its layers, the rest from
     * the metadata {@link #metadata} wrote (keys older checkpoints lack take their defaults).
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static TrainingRecipe fromMetadata(org.backprop.io.ModelState st) {
        Map<String, String> m = st.metadata();
        int n = st.layers().size();
        int[] hidden = new int[n - 1];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = st.layers().get(i).outputs();
        }
        Activation act = hidden.length == 0 ? Activation.RELU : Model.savedActivation(st, 0);
        Activation out = Model.savedActivation(st, n - 1);
        String drop = m.getOrDefault("dropout", "");
        float[] rates = drop.isEmpty() ? new float[hidden.length] : parseRates(drop, hidden.length);
        String ramp = m.getOrDefault("momentum-ramp", "none");   // older checkpoints: no ramp
        return new TrainingRecipe(hidden, act, out, Loss.parse(require(m, "loss")), require(m, "optimizer"),
                Float.parseFloat(require(m, "lr")),
                new LrSchedule(m.getOrDefault("lr-schedule", "exponential"), Float.parseFloat(m.getOrDefault("lr-decay", "1")),
                        Integer.parseInt(m.getOrDefault("lr-step", "1")), Integer.parseInt(m.getOrDefault("warmup", "0"))),
                Float.parseFloat(m.getOrDefault("momentum", "0.9")), Float.parseFloat(m.getOrDefault("weight-decay", "0")),
                rates, Init.parse(m.getOrDefault("init", "auto")), Long.parseLong(require(m, "seed")),
                Integer.parseInt(require(m, "batch")), Integer.parseInt(m.getOrDefault("epochs", require(m, "epoch"))),
                Float.parseFloat(m.getOrDefault("input-dropout", "0")), Float.parseFloat(m.getOrDefault("max-norm", "0")),
                ramp.equals("none") ? null : MomentumRamp.parse(ramp),
                Float.parseFloat(m.getOrDefault("rho", Float.toString(DEFAULT_RHO))),
                Float.parseFloat(m.getOrDefault("eps", Float.toString(DEFAULT_EPS))), savedAugment(m));
    }

    /** The deformations a checkpoint's metadata names (older checkpoints: none). */
    private static org.backprop.data.Deformation savedAugment(Map<String, String> m) {
        String kind = m.getOrDefault("augment", "none");
        if (kind.equals("none")) {
            return null;
        }
        org.backprop.data.Deformation d = org.backprop.data.Deformation.parse(kind);
        return d.withAffine(saved(m, "augment-rotate", d.rotate()), saved(m, "augment-scale", d.scale()),
                saved(m, "augment-shift", d.shift()))
                .withElastic(saved(m, "elastic-sigma", d.sigma()), saved(m, "elastic-alpha", d.alpha()));
    }

    private static float saved(Map<String, String> m, String key, float otherwise) {
        String v = m.get(key);
        return v == null || v.equals("-") ? otherwise : Float.parseFloat(v);
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no '" + key + "' in the checkpoint's metadata");
        }
        return v;
    }

    /**
     * Dropout rates from "0.5" (every hidden layer) or "0.2,0.5" (one per hidden layer).
     *
     * @throws IllegalArgumentException naming the value that is not a rate in [0, 1)
     */
    public static float[] parseRates(String s, int hiddenLayers) {
        String[] parts = s.trim().split(",");
        float[] r = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                r[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                r[i] = Float.NaN;
            }
            if (!(r[i] >= 0 && r[i] < 1)) {
                throw new IllegalArgumentException("dropout: '" + parts[i].trim() + "' is not a rate in [0, 1)");
            }
        }
        if (parts.length == 1) {
            float[] all = new float[hiddenLayers];
            Arrays.fill(all, r[0]);
            return all;
        }
        if (parts.length != hiddenLayers) {
            throw new IllegalArgumentException("dropout: " + parts.length + " rates for " + hiddenLayers
                    + " hidden layers (give one rate, or one per hidden layer)");
        }
        return r;
    }

    private static String join(float[] rates) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rates.length; i++) {
            sb.append(i == 0 ? "" : ",").append(rates[i]);
        }
        return sb.toString();
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingRecipe r && Arrays.equals(hidden, r.hidden) && activation == r.activation
                && output == r.output && loss == r.loss && optimizer.equals(r.optimizer) && lr == r.lr
                && schedule.equals(r.schedule) && momentum == r.momentum && weightDecay == r.weightDecay
                && Arrays.equals(dropout, r.dropout) && init == r.init && seed == r.seed && batch == r.batch
                && epochs == r.epochs && inputDropout == r.inputDropout && maxNorm == r.maxNorm
                && java.util.Objects.equals(momentumRamp, r.momentumRamp) && rho == r.rho && eps == r.eps
                && java.util.Objects.equals(augment, r.augment);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden) * 31 + Long.hashCode(seed) + batch;
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public float[] dropout() {
        return dropout.clone();
    }
}
