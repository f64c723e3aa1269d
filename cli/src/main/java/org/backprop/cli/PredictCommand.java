package org.backprop.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.backprop.core.Backend;
import org.backprop.data.CsvReader;
import org.backprop.data.CsvTable;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.TableChoices;
import org.backprop.data.TableSpec;
import org.backprop.data.TargetScaling;
import org.backprop.io.ModelState;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Model;
import org.backprop.nn.RegressionMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backprop predict}: the predicted class, its probability and every class's, for each input row. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        customSynopsis = "backprop predict --model FILE --input FILE [OPTIONS]",
        description = {"Predict a class (or, for a regression, a value) for each row of an input file with a saved model.",
                "Prints CSV: row,predicted,probability, then one probability per class (p_NAME) or, with --top K, the K"
                        + " likeliest classes; a label column in the input is printed too, and the accuracy said at the end."})
final class PredictCommand implements Callable<Integer> {

    @Mixin SavedModelOption savedModel = new SavedModelOption();

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "A CSV of rows to score, with or without the label column (columns are matched by header name"
                    + " when the file and the training file both have a header, else by position), or an IDX image file"
                    + " (plain or gzip; pixels scaled to [0,1]).")
    Path input;

    @Option(names = "--label", paramLabel = "NAME",
            description = "CSV label column, for a model that saved no data description (default: the model's own).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR", description = "CSV cell separator (default: sniffed).")
    String delimiter;

    @Option(names = "--top", paramLabel = "K", description = "Print the K likeliest classes and their probabilities"
            + " instead of every class's probability.")
    Integer top;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows.")
    Integer limit;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the CSV here instead of stdout.")
    Path output;

    @Mixin BackendOption backendOption = new BackendOption();

    /** The rows to score, whether they came with labels, and the data row number of each. */
    private record Rows(Dataset data, boolean labelled, int[] rowNumbers) { }

    @Override
    public Integer call() throws Exception {
        savedModel.requireFile();
        DataArgs.requireFile(input, "--input");
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        if (top != null && top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        if (output != null && output.toAbsolutePath().getParent() != null && !Files.isDirectory(output.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("cannot write " + output + ": directory " + output.toAbsolutePath().getParent()
                    + " does not exist");
        }
        ModelState state = savedModel.read();
        int inputs = state.layers().get(0).inputs();
        int outputs = state.layers().get(state.layers().size() - 1).outputs();
        TableSpec spec = TableSpec.fromMetadata(state.metadata());
        Rows rows = read(spec, inputs, outputs);
        if (rows.data.featureCount() != inputs) {
            throw new IllegalArgumentException(input + " has " + rows.data.featureCount() + " features per row but the"
                    + " model takes " + inputs);
        }
        Dataset scaled = Scaling.apply(state, rows.data);
        List<String> classes = classNames(state, spec, outputs);
        boolean regression = spec != null ? spec.regression() : false;
        try (Backend backend = backendOption.open();
             Model model = Model.fromState(state, backend)) {
            int n = limit == null ? scaled.size() : Math.min(limit, scaled.size());
            float[] x = Arrays.copyOf(scaled.features(), n * scaled.featureCount());
            float[] out = model.predict(x, n);
            TargetScaling targets = regression ? Scaling.targets(state) : null;
            if (targets != null) {
                targets.undo(out);   // printed in the targets' own units, not the standardised ones trained on
            }
            int k = model.outputs();
            if (top != null && top > Math.max(2, k)) {
                throw new IllegalArgumentException("--top " + top + ": the model has only " + Math.max(2, k) + " classes");
            }
            PrintStream notes = output == null ? System.err : System.out;
            try (Writer w = output == null ? new OutputStreamWriter(unclosable(System.out), StandardCharsets.UTF_8)
                    : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                 CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator("\n").build())) {
                p.printRecord(header(regression, rows.labelled, classes));
                long right = 0;
                for (int i = 0; i < n; i++) {
                    List<Object> r = new ArrayList<>();
                    r.add(rows.rowNumbers[i]);
                    if (regression) {
                        r.add(number(out[i]));
                        if (rows.labelled) {
                            r.add(number(scaled.values()[i]));
                        }
                        p.printRecord(r);
                        continue;
                    }
                    float[] prob = probabilities(out, i, k);
                    int c = Evaluation.predictedClass(out, i, k);
                    r.add(classes.get(c));
                    r.add(String.format(Locale.ROOT, "%.4f", prob[c]));
                    if (rows.labelled) {
                        int y = scaled.labels()[i];
                        r.add(classes.get(y));
                        right += y == c ? 1 : 0;
                    }
                    if (top == null) {
                        for (float v : prob) {
                            r.add(String.format(Locale.ROOT, "%.4f", v));
                        }
                    } else {
                        for (int j : ranked(prob, top)) {
                            r.add(classes.get(j));
                            r.add(String.format(Locale.ROOT, "%.4f", prob[j]));
                        }
                    }
                    p.printRecord(r);
                }
                p.flush();
                if (output != null) {
                    notes.println("wrote " + n + " prediction" + (n == 1 ? "" : "s") + " to " + output);
                }
                if (rows.labelled && regression) {
                    notes.println("labelled rows: " + RegressionMetrics.of(Arrays.copyOf(out, n),
                            Arrays.copyOf(scaled.values(), n)).line());
                } else if (rows.labelled) {
                    notes.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d labelled rows)%n", 100.0 * right / n, right, n);
                }
            }
        }
        return 0;
    }

    private Rows read(TableSpec spec, int inputs, int outputs) {
        if (!DataSources.isCsv(input)) {
            Dataset images = DataSources.readImages(input);
            return new Rows(images, false, count(images.size()));
        }
        // sniffed, not the training file's: new rows often come from another tool than the training table
        CsvTable t = CsvTable.read(input, CsvTable.Header.AUTO, DataArgs.delimiter(delimiter));
        DataArgs.note(t.notes());
        if (spec != null) {
            TableSpec.Encoded e = spec.apply(t, false);
            DataArgs.note(e.notes());
            int[] numbers = e.rows().clone();
            return new Rows(e.data(), e.labelled(), numbers);
        }
        // a model that saved no data description: columns by position, a label only as one column more
        if (t.columns() == inputs) {
            float[] x = new float[t.rows() * inputs];
            for (int r = 0; r < t.rows(); r++) {
                for (int c = 0; c < inputs; c++) {
                    if (t.isMissing(c, r) || t.word(c, r) != null) {
                        throw new DataException(input + ": row " + t.line(r) + ", " + t.describe(c) + ": '"
                                + t.text(c, r) + "' is not a number");
                    }
                    x[r * inputs + c] = t.number(c, r);
                }
            }
            return new Rows(new Dataset(input.toString(), x, new int[t.rows()], inputs, Math.max(2, outputs)), false,
                    count(t.rows()));
        }
        Dataset d = CsvReader.read(input, TableChoices.defaults().withLabel(label).withClasses(Math.max(2, outputs)));
        return new Rows(d, true, count(d.size()));
    }

    /** stdout outlives this command: closing the CSV printer flushes it but leaves it open. */
    private static java.io.OutputStream unclosable(PrintStream stdout) {
        return new java.io.FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) {
                stdout.write(b, off, len);
            }

            @Override
            public void close() {
                stdout.flush();
            }
        };
    }

    private static int[] count(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** The names the model was trained with (its metadata), else 0..k-1. */
    private static List<String> classNames(ModelState state, TableSpec spec, int outputs) {
        if (spec != null && !spec.regression()) {
            return spec.classNames();
        }
        String saved = state.metadata().get("data.classes");
        List<String> names = saved != null ? TableSpec.splitList(saved) : List.of();
        int k = Math.max(2, outputs);
        if (names.size() == k) {
            return names;
        }
        List<String> out = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            out.add(Integer.toString(c));
        }
        return out;
    }

    private List<String> header(boolean regression, boolean labelled, List<String> classes) {
        List<String> h = new ArrayList<>(List.of("row", "predicted"));
        if (regression) {
            if (labelled) {
                h.add("label");
            }
            return h;
        }
        h.add("probability");
        if (labelled) {
            h.add("label");
        }
        if (top == null) {
            for (String c : classes) {
                h.add("p_" + c);
            }
        } else {
            for (int i = 1; i <= top; i++) {
                h.add("top" + i);
                h.add("p" + i);
            }
        }
        return h;
    }

    /** Row i's class probabilities; a single sigmoid unit is P(class 1), so class 0 gets the rest. */
    private static float[] probabilities(float[] out, int i, int k) {
        if (k == 1) {
            return new float[] {1 - out[i], out[i]};
        }
        return Arrays.copyOfRange(out, i * k, (i + 1) * k);
    }

    /** The k likeliest classes, likeliest first (the lower index first on a tie, as argmax picks). */
    private static int[] ranked(float[] prob, int k) {
        Integer[] idx = new Integer[prob.length];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (a, b) -> prob[a] != prob[b] ? Float.compare(prob[b], prob[a]) : Integer.compare(a, b));
        int[] r = new int[k];
        for (int j = 0; j < k; j++) {
            r[j] = idx[j];
        }
        return r;
    }

    private static String number(float v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
