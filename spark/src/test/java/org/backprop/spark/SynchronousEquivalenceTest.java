package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.backprop.nn.Activation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Synchronous data-parallel SGD on Spark is single-process training with the same global batches
 * in the same order: only the gradient sum is split across partitions and added up in another
 * order. The MLP is 12-16-8-3 (tanh, relu, softmax), 403 rows (the last batch of each epoch is
 * short), batch 32, 3 epochs = 39 steps.
 *
 * <p>Tolerance: a partition's gradient sum rounds differently from the whole batch's by a few fp32
 * ulps (ε = 6e-8, relative); the optimiser turns that into parameter differences of roughly
 * lr·ε·|g|-scale per step, which the nonlinear network then carries forward. Over 39 steps the
 * measured worst parameter difference is 1.2e-7 (parameters are O(0.1–1)); {@link #TOLERANCE}
 * is 2e-6, and {@link #theToleranceTellsDifferentBatchOrdersApart} shows a run whose only change
 * is the order of its batches lands more than 100 times farther away.
 */
class SynchronousEquivalenceTest {

    static final double TOLERANCE = 2e-6;
    static final Dataset TRAIN = LocalSpark.clusters(403, 12, 3, 1);
    static final Dataset TEST = LocalSpark.clusters(120, 12, 3, 2);

    static Model mlp(Backend b) {
        return Model.builder(12).dense(16, Activation.TANH).dense(8, Activation.RELU).dense(3, Activation.SOFTMAX)
                .init(Init.AUTO).seed(7).build(b);
    }

    static float[] parameters(Model m) {
        List<Float> all = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            for (float v : m.weights(i)) {
                all.add(v);
            }
            for (float v : m.bias(i)) {
                all.add(v);
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    record Outcome(float[] parameters, TrainResult result) { }

    static Outcome single(OptimizerSpec spec, FitOptions fo) {
        try (Backend cpu = new CpuBackend(2); Model m = mlp(cpu); Optimizer o = spec.create()) {
            TrainResult r = new Trainer(m, Loss.CROSS_ENTROPY, o).fit(TRAIN, TEST, fo, null);
            return new Outcome(parameters(m), r);
        }
    }

    static Outcome spark(OptimizerSpec spec, FitOptions fo, int partitions) {
        try (Backend cpu = new CpuBackend(2); Model m = mlp(cpu); Optimizer o = spec.create()) {
            TrainResult r = new SparkTrainer(LocalSpark.session(), m, Loss.CROSS_ENTROPY, o, spec)
                    .withPartitions(partitions).fit(TRAIN, TEST, fo, null);
            return new Outcome(parameters(m), r);
        }
    }

    @ParameterizedTest(name = "{0}, clip {2}, lr decay {3}, {4} partitions")
    @CsvSource({"sgd, 0.1, 0, 1, 2", "momentum, 0.05, 0.5, 1, 3", "adam, 0.01, 0, 0.8, 2"})
    void synchronousTrainingEqualsSingleProcess(String optimizer, float lr, float clip, float decay, int partitions) {
        OptimizerSpec spec = OptimizerSpec.of(optimizer, lr, 0.9f);
        FitOptions fo = new FitOptions(32, 3, 42).withClipNorm(clip).withLrDecay(decay);
        Outcome one = single(spec, fo);
        Outcome many = spark(spec, fo, partitions);
        double d = maxDiff(one.parameters(), many.parameters());
        System.out.printf("sync %s on %d partitions: max |parameter difference| %.3g after 39 steps%n", optimizer, partitions, d);
        assertTrue(d <= TOLERANCE, "parameters differ by " + d);
        for (int e = 0; e < 3; e++) {
            var a = one.result().epochs().get(e);
            var b = many.result().epochs().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "epoch " + (e + 1) + " training loss");
            assertEquals(a.trainAccuracy(), b.trainAccuracy(), 1.5 / TRAIN.size(), "epoch " + (e + 1) + " training accuracy");
            assertEquals(a.testLoss(), b.testLoss(), 1e-5, "epoch " + (e + 1) + " test loss");
        }
    }

    @Test
    void theToleranceTellsDifferentBatchOrdersApart() {
        OptimizerSpec spec = OptimizerSpec.of("adam", 0.01f, 0.9f);
        float[] a = single(spec, new FitOptions(32, 3, 42)).parameters();
        float[] b = single(spec, new FitOptions(32, 3, 43)).parameters();
        double d = maxDiff(a, b);
        System.out.printf("another batch order: max |parameter difference| %.3g%n", d);
        assertTrue(d > 100 * TOLERANCE, "another batch order moved the parameters only " + d);
    }

    @Test
    void aDatasetOfRowsTrainsLikeTheSameRowsInMemory() {
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType), false)
                .add("label", DataTypes.IntegerType, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < TRAIN.size(); i++) {
            Double[] x = new Double[TRAIN.featureCount()];
            for (int j = 0; j < x.length; j++) {
                x[j] = (double) TRAIN.features()[i * x.length + j];
            }
            rows.add(RowFactory.create(x, TRAIN.labels()[i]));
        }
        OptimizerSpec spec = OptimizerSpec.adam(0.01f);
        FitOptions fo = new FitOptions(32, 2, 42);
        Outcome one = single(spec, fo);
        float[] viaRows;
        try (Backend cpu = new CpuBackend(2); Model m = mlp(cpu); Optimizer o = spec.create()) {
            new SparkTrainer(LocalSpark.session(), m, Loss.CROSS_ENTROPY, o, spec)
                    .fit(LocalSpark.session().createDataFrame(rows, schema), "features", "label", TEST, fo, null);
            viaRows = parameters(m);
        }
        double d = maxDiff(one.parameters(), viaRows);
        System.out.printf("Dataset<Row> input: max |parameter difference| %.3g%n", d);
        assertTrue(d <= TOLERANCE, "parameters differ by " + d);
    }
}
