package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.bench.Json;
import org.backprop.charts.Plots;
import org.backprop.core.Backend;
import org.backprop.data.Dataset;
import org.backprop.data.TargetScaling;
import org.backprop.io.ModelState;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.RegressionMetrics;
import org.backprop.nn.Scores;
import org.backprop.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code backprop eval}: loss, accuracy, the confusion matrix with precision, recall and F1, ROC
 * and precision/recall areas, and calibration, of a saved model on a test set.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        customSynopsis = "backprop eval --model FILE [--data SOURCE | --test FILE] [OPTIONS]",
        description = "Evaluate a saved model on the rows its training held out (or --test FILE, whole): loss, accuracy, confusion matrix, precision,"
                + " recall and F1, ROC AUC and average precision (one class against the rest beyond two classes),"
                + " expected calibration error; RMSE, MAE and R² for a regression.")
final class EvalCommand implements Callable<Integer> {

    /** Bins of the reliability diagram and of the expected calibration error. */
    static final int CALIBRATION_BINS = 10;

    @Mixin SavedModelOption savedModel = new SavedModelOption();

    @Mixin EvalDataArgs data = new EvalDataArgs();

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1024", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of a CSV hold-out, for a model that saved no split of its own (default: the model's, else 42).")
    Long seed;

    @Option(names = "--json", description = "Print every number as one JSON object instead of the text report.")
    boolean json;

    @Option(names = "--roc", paramLabel = "FILE.png", description = "Draw the ROC curves (one per class beyond two classes).")
    Path roc;

    @Option(names = "--pr", paramLabel = "FILE.png", description = "Draw the precision/recall curves.")
    Path pr;

    @Option(names = "--reliability", paramLabel = "FILE.png",
            description = "Draw the reliability diagram (accuracy against confidence, 10 bins) with the ECE.")
    Path reliability;

    @Mixin BackendOption backendOption = new BackendOption();

    @Override
    public Integer call() throws Exception {
        savedModel.requireFile();
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        for (Path p : new Path[] {roc, pr, reliability}) {
            if (p != null) {
                if (!p.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                    throw new IllegalArgumentException("--roc, --pr and --reliability write PNGs: give a name ending in .png, got " + p);
                }
                Path dir = p.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("cannot write " + p + ": directory " + dir + " does not exist");
                }
            }
        }
        ModelState state = savedModel.read();
        int inputs = state.layers().get(0).inputs();
        int outputs = state.layers().get(state.layers().size() - 1).outputs();
        ModelData.Scored scored = ModelData.forEval(state, data, seed, outputs);
        if (scored.data().featureCount() != inputs) {
            throw new IllegalArgumentException(scored.data().name() + " has " + scored.data().featureCount()
                    + " features per row but the model " + savedModel.file + " takes " + inputs);
        }
        try (Backend backend = backendOption.open();
             Model model = Model.fromState(state, backend);
             Optimizer unused = Optimizer.sgd(1f)) {
            Dataset test = Scaling.apply(state, scored.data());
            if (test.isRegression()) {
                if (roc != null || pr != null || reliability != null) {
                    throw new IllegalArgumentException("--roc, --pr and --reliability draw a classifier's scores;"
                            + " this model predicts a quantity");
                }
                // the model predicts in the units it was trained in: undo a target standardisation first
                float[] predictions = model.predict(test.features(), test.size());
                TargetScaling targets = Scaling.targets(state);
                if (targets != null) {
                    targets.undo(predictions);
                }
                RegressionMetrics r = RegressionMetrics.of(predictions, test.values());
                if (json) {
                    Map<String, Object> m = header(model, scored.description(), "regression", r.count());
                    m.put("mse", r.mse());
                    m.put("rmse", r.rmse());
                    m.put("mae", r.mae());
                    m.put("r2", r.r2());
                    System.out.print(Json.write(m));
                } else {
                    System.out.println("model: " + model.describe());
                    System.out.println("data: " + scored.description());
                    System.out.println(r.line());
                }
                return 0;
            }
            Loss loss = switch (model.outputActivation()) {
                case SOFTMAX -> Loss.CROSS_ENTROPY;
                case SIGMOID -> Loss.BINARY_CROSS_ENTROPY;
                default -> Loss.SQUARED_ERROR;
            };
            Evaluation e = new Trainer(model, loss, unused).evaluate(test, batch);
            List<String> names = test.classNames().size() == e.classes() ? test.classNames() : null;
            Scores s = Scores.of(model.predict(test.features(), test.size()), model.outputs(), test.labels(), e.classes(),
                    names);
            Scores.Calibration cal = s.calibration(CALIBRATION_BINS);
            if (json) {
                System.out.print(Json.write(report(model, scored.description(), e, s, cal)));
            } else {
                System.out.println("model: " + model.describe());
                System.out.println("data: " + scored.description());
                System.out.println(e.report(s.names()));
                System.out.println(areas(s));
                System.out.printf(Locale.ROOT, "calibration: expected calibration error %.4f over %d bins%n",
                        cal.ece(), CALIBRATION_BINS);
            }
            String name = savedModel.file.getFileName().toString();
            if (roc != null) {
                Plots.roc(s, "ROC: " + name, roc);
                note("roc: " + roc);
            }
            if (pr != null) {
                Plots.precisionRecall(s, "Precision/recall: " + name, pr);
                note("pr: " + pr);
            }
            if (reliability != null) {
                Plots.reliability(cal, "Reliability: " + name, reliability);
                note("reliability: " + reliability);
            }
        }
        return 0;
    }

    /** Pictures are reported on stderr under --json, so stdout stays one JSON document. */
    private void note(String line) {
        (json ? System.err : System.out).println(line);
    }

    /** The areas under the curves, each named by its classes: "yes vs no", "setosa vs rest". */
    static String areas(Scores s) {
        if (s.binary()) {
            return String.format(Locale.ROOT, "ROC AUC %.4f, average precision %.4f (positive class: %s)",
                    s.roc(1).area(), s.precisionRecall(1).area(), s.name(1));
        }
        int w = "class".length();
        for (String n : s.names()) {
            w = Math.max(w, n.length());
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "one class vs the rest:%n  %-" + w
                + "s   ROC AUC   avg precision%n", "class"));
        for (int k = 0; k < s.classes(); k++) {
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s   %7.4f   %13.4f%n", s.name(k), s.roc(k).area(),
                    s.precisionRecall(k).area()));
        }
        return sb.append(String.format(Locale.ROOT, "macro ROC AUC %.4f", s.macroAuc())).toString();
    }

    /** The JSON report's first fields, shared by both tasks: which model scored which data, and how many rows. */
    private static Map<String, Object> header(Model model, String description, String task, Object samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.describe());
        m.put("data", description);
        m.put("task", task);
        m.put("samples", samples);
        return m;
    }

    private static Map<String, Object> report(Model model, String description, Evaluation e, Scores s,
                                              Scores.Calibration cal) {
        Map<String, Object> m = header(model, description, "classification", e.total());
        m.put("loss", e.loss());
        m.put("accuracy", e.accuracy());
        m.put("macro_f1", e.macroF1());
        m.put("macro_roc_auc", s.macroAuc());
        m.put("class_names", new ArrayList<Object>(s.names()));
        if (s.binary()) {
            m.put("positive_class", s.name(1));
        }
        List<Object> classes = new ArrayList<>();
        for (int k = 0; k < e.classes(); k++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", k);
            c.put("name", s.name(k));
            c.put("precision", e.precision(k));
            c.put("recall", e.recall(k));
            c.put("f1", e.f1(k));
            c.put("prevalence", e.prevalence(k));
            // JSON has no NaN: an undefined precision (a class never predicted) is null
            if (!s.binary() || k == 1) {
                c.put("roc_auc", s.roc(k).area());
                c.put("average_precision", s.precisionRecall(k).area());
            }
            classes.add(c);
        }
        m.put("classes", classes);
        List<Object> rows = new ArrayList<>();
        for (long[] row : e.confusion()) {
            List<Object> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            rows.add(r);
        }
        // rows are the true classes, columns the predicted ones, both in the order of class_names
        m.put("confusion", rows);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bins", CALIBRATION_BINS);
        c.put("ece", cal.ece());
        c.put("confidence", doubles(cal.confidence()));
        c.put("accuracy", doubles(cal.accuracy()));
        List<Object> n = new ArrayList<>();
        for (long v : cal.count()) {
            n.add(v);
        }
        c.put("count", n);
        m.put("calibration", c);
        return m;
    }

    private static List<Object> doubles(double[] v) {
        List<Object> out = new ArrayList<>();
        for (double d : v) {
            out.add(d);
        }
        return out;
    }
}
