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
import org.backprop.data.TableChoices;
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
    static Scored forEval(ModelState state, EvalDataArgs args, Long seedOption, int outputs) {
        Map<String, String> m = state.metadata();
        TableSpec spec = TableSpec.fromMetadata(m);
        String stored = m.get("data.source");
        if (args.test != null) {
            DataArgs.requireFile(args.test, "--test");
            if (spec != null) {
                TableSpec.Encoded e = DataSources.encode(spec, args.test, args.delimiterChar());
                return new Scored(e.data(), args.test + ": all " + e.data().size() + " rows");
            }
            if (!DataSources.isCsv(args.test)) {
                throw new IllegalArgumentException("--test " + args.test + ": eval reads a CSV test file here; for"
                        + " MNIST-format files give their directory with --data");
            }
            // a model that saved no data description: a CSV laid out like its inputs, integer labels
            Dataset d = CsvReader.read(args.test, TableChoices.defaults().withLabel(args.label)
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
            CsvTable t = DataSources.readTable(file,
                    args.delimiterChar() != null ? args.delimiterChar() : spec != null ? (Character) spec.delimiter() : null);
            if (spec == null) {
                // an older model: split the file the way train used to, with the options given
                long seed = seedOption != null ? seedOption : 42;
                double split = DataArgs.DEFAULT_TEST_SPLIT;
                Dataset test = TableSpec.prepare(t, TableChoices.defaults().withLabel(args.label), split, seed).test();
                return new Scored(test, src + ": " + test.size() + " held-out rows (--test-split " + split
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
                    TableSpec.Encoded e = DataSources.encode(spec, Path.of(test), args.delimiterChar());
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
        DataArgs.TrainTest tt = DataSources.load(src, args.cache, seed, LOG);
        return new Scored(tt.test(), tt.description());
    }
}
