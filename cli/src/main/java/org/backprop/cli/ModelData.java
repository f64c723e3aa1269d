package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;
import org.backprop.data.CsvReader;
import org.backprop.data.CsvTable;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.data.TableSpec;
import org.backprop.io.ModelState;

/**
 * The rows a saved model is scored on, read the way it was trained: its own data source, split
 * (file, fraction, seed), label column, classes and encodings from its {@code data.*} metadata.
 */
final class ModelData {

    private static final Logger LOG = Logger.getLogger(ModelData.class.getName());

    /** The rows (not yet scaled) and a line saying which they are. */
    record Scored(Dataset data, String description) { }

    private ModelData() { }

    /**
     * {@code --test FILE}: that file, whole. Otherwise the test set of {@code --data}, or of the
     * source the model was trained on: for a CSV exactly the rows its training held out.
     */
    static Scored forEval(ModelState state, DataArgs args, Long seedOption, int outputs) {
        Map<String, String> m = state.metadata();
        TableSpec spec = TableSpec.fromMetadata(m);
        String stored = m.get("data.source");
        if (args.test != null) {
            DataArgs.requireFile(args.test, "--test");
            if (spec != null) {
                CsvTable t = CsvTable.read(args.test, CsvTable.Header.AUTO, args.delimiterChar());
                DataArgs.note(t.notes());
                TableSpec.Encoded e = spec.apply(t, true);
                DataArgs.note(e.notes());
                return new Scored(e.data(), args.test + ": all " + e.data().size() + " rows");
            }
            if (!DataSources.isCsv(args.test)) {
                throw new IllegalArgumentException("--test " + args.test + ": eval reads a CSV test file here; for"
                        + " MNIST-format files give their directory with --data");
            }
            // a model that saved no data description: a CSV laid out like its inputs, integer labels
            Dataset d = CsvReader.read(args.test, CsvReader.Options.defaults().withLabel(args.label)
                    .withClasses(outputs == 1 ? 2 : outputs));
            return new Scored(d, args.test + ": all " + d.size() + " rows");
        }
        String src = args.data != null ? args.data.trim() : stored != null ? stored : DataArgs.DEFAULT_SOURCE;
        if (stored != null && args.data != null && !stored.equals(src)) {
            System.err.println("note: the model was trained on " + stored + "; scoring " + src);
        }
        if (DataSources.isCsvSource(src)) {
            Path file = Path.of(src);
            DataArgs.requireFile(file, "--data");
            CsvTable t = CsvTable.read(file, CsvTable.Header.AUTO,
                    args.delimiterChar() != null ? args.delimiterChar() : spec != null ? (Character) spec.delimiter() : null);
            DataArgs.note(t.notes());
            if (spec == null) {
                // an older model: split the file the way train used to, with the options given
                long seed = seedOption != null ? seedOption : 42;
                Dataset test = TableSpec.prepare(t, TableSpec.Choices.defaults().withLabel(args.label), args.testSplit,
                        seed).test();
                if (test == null) {
                    throw new IllegalArgumentException("--test-split 0 holds nothing out: give --test FILE");
                }
                return new Scored(test, src + ": " + test.size() + " held-out rows (--test-split " + args.testSplit
                        + ", seed " + seed + "; the model saved no split of its own)");
            }
            double split = Double.parseDouble(m.getOrDefault("data.test-split", "0.2"));
            long seed = Long.parseLong(m.getOrDefault("data.split-seed", "42"));
            if (seedOption != null && seedOption != seed) {
                System.err.println("note: scoring the rows the model held out with its own seed " + seed
                        + ", not --seed " + seedOption);
            }
            if (split == 0) {
                String test = m.get("data.test");
                if (test != null && Files.isRegularFile(Path.of(test))) {
                    // trained with --test FILE: that file is what the model held out
                    CsvTable tt = CsvTable.read(Path.of(test), CsvTable.Header.AUTO, args.delimiterChar());
                    DataArgs.note(tt.notes());
                    TableSpec.Encoded e = spec.apply(tt, true);
                    DataArgs.note(e.notes());
                    return new Scored(e.data(), test + ": all " + e.data().size() + " rows (the model's test set)");
                }
                throw new DataException(src + ": the model was trained on every row of it"
                        + (test != null ? ", with test set " + test + " (not found): give --test FILE"
                        : " (--test-split 0): give a test file with --test"));
            }
            Dataset d = spec.heldOut(t, split, seed);
            return new Scored(d, src + ": the " + d.size() + " rows held out in training (--test-split " + split
                    + ", seed " + seed + ")");
        }
        Path dir = Path.of(src);
        if (Files.isDirectory(dir)) {
            // the test set is all an evaluation needs: a folder of the t10k files alone will do
            Dataset d = Mnist.loadTest(dir);
            return new Scored(d, "MNIST-format test files in " + dir + ", " + d.size() + " images");
        }
        long seed = m.get("data.split-seed") != null ? Long.parseLong(m.get("data.split-seed"))
                : seedOption != null ? seedOption : 42;
        DataArgs.TrainTest tt = DataSources.load(src, null, 0.2, null, args.cache, seed, LOG);
        return new Scored(tt.test(), tt.description());
    }
}
