package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-level behaviour on the CPU backend: checkpoints, initial weights, divergence, clipping.
 * Convergence and gradient checks are in the training contract ({@link CpuTrainingTest}).
 */
class TrainingTest {

    @TempDir Path dir;

    @Test
    void aSavedCheckpointAndItsNpzExportPredictExactlyLikeTheModel() throws Exception {
        Dataset d = TestData.random(50, 7, 3, 4);
        try (Backend b = new CpuBackend(2);
             Model m = Model.builder(7).dense(5, Activation.TANH).dense(3, Activation.SOFTMAX).seed(8).build(b);
             Optimizer adam = Optimizer.adam(0.01f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(d, d, new FitOptions(10, 2, 1), null);
            float[] expected = m.predict(d.features(), d.size());
            Path bpm = dir.resolve("m.bpm"), npz = dir.resolve("m.npz");
            Checkpoint.save(bpm, m.state(adam, Map.of("note", "test")));
            Npz.save(npz, m.state(null, Map.of()));
            for (ModelState st : new ModelState[] {Checkpoint.load(bpm), Npz.load(npz)}) {
                try (Model back = Model.fromState(st, b)) {
                    assertArrayEquals(expected, back.predict(d.features(), d.size()));
                }
            }
        }
    }

    @Test
    void anNpzWithoutActivationsPredictsWithReluHiddenAndSoftmaxOutput() throws Exception {
        Dataset d = TestData.random(30, 4, 3, 6);
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(4).dense(5, Activation.RELU).dense(3, Activation.SOFTMAX).seed(3).build(b)) {
            float[] expected = m.predict(d.features(), d.size());
            ModelState saved = m.state();
            java.util.List<org.backprop.io.LayerState> unnamed = new java.util.ArrayList<>();
            for (org.backprop.io.LayerState l : saved.layers()) {
                unnamed.add(new org.backprop.io.LayerState("", l.inputs(), l.outputs(), l.weights(), l.bias()));
            }
            Path npz = dir.resolve("bare.npz");
            Npz.save(npz, new ModelState(unnamed));
            try (Model back = Model.fromState(Npz.load(npz), b)) {
                assertTrue(back.describe().startsWith("4-5-3 (relu, softmax;"), back.describe());
                assertArrayEquals(expected, back.predict(d.features(), d.size()));
            }
            // and a file without activations loads into a model of any activations (--init)
            try (Model tanh = Model.builder(4).dense(5, Activation.TANH).dense(3, Activation.SOFTMAX).build(b)) {
                tanh.loadState(Npz.load(npz));
                assertArrayEquals(m.weights(0), tanh.weights(0));
            }
        }
    }

    @Test
    void aSingleUnnamedOutputUnitIsSigmoid() {
        ModelState st = new ModelState(java.util.List.of(
                new org.backprop.io.LayerState("", 2, 3, new float[6], new float[3]),
                new org.backprop.io.LayerState("", 3, 1, new float[3], new float[1])));
        assertEquals(Activation.RELU, Model.savedActivation(st, 0));
        assertEquals(Activation.SIGMOID, Model.savedActivation(st, 1));
    }

    @Test
    void initialWeightsFromAnNpzAreWhereTrainingStarts() throws Exception {
        Dataset d = TestData.random(40, 4, 2, 5);
        Path npz = dir.resolve("init.npz");
        float[] w0;
        try (Backend b = new CpuBackend(1);
             Model source = Model.builder(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX).seed(99).build(b)) {
            w0 = source.weights(0);
            Npz.save(npz, source.state(null, Map.of()));
        }
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX).seed(1).build(b)) {
            m.loadState(Npz.load(npz));
            assertArrayEquals(w0, m.weights(0));
            try (Model wrong = Model.builder(4).dense(5, Activation.RELU).dense(2, Activation.SOFTMAX).build(b)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> wrong.loadState(Npz.load(npz)));
                assertTrue(e.getMessage().contains("layer 0: saved weights are 4x3, the model's are 4x5"), e.getMessage());
            }
        }
    }

    @Test
    void aDivergingRunStopsNamingTheEpochAndBatches() {
        Dataset d = TestData.random(64, 3, 2, 6);
        float[] huge = d.features().clone();
        huge[5] = Float.MAX_VALUE;
        Dataset bad = TestData.dataset(huge, 3, d.labels(), 2);
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(3).dense(4, Activation.RELU).dense(2, Activation.SOFTMAX).seed(2).build(b);
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> new Trainer(m, Loss.CROSS_ENTROPY, sgd).fit(bad, d, new FitOptions(8, 3, 1).withCheckEvery(1), null));
            assertEquals(1, e.epoch());
            assertTrue(e.getMessage().matches("training loss became (NaN|Infinity) in epoch 1, between batches (\\d+) and \\2 of 8.*"),
                    e.getMessage());
        }
    }

    /**
     * A stop requested during batch 5 of epoch 2 ends fit after that batch; the state saved there,
     * resumed after those 5 batches, ends where an uninterrupted run ends, bit for bit (Adam's
     * moments and step count and the dropout keys travel in the optimiser state).
     */
    @Test
    void aRunStoppedMidEpochResumesAfterItsLastBatchExactly() {
        Dataset d = TestData.random(96, 5, 3, 11);
        FitOptions fo = new FitOptions(8, 3, 4).withCheckEvery(1);   // 12 batches an epoch
        float[] straight;
        try (Backend b = new CpuBackend(1); Model m = dropoutNet(b); Optimizer adam = Optimizer.adam(0.01f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(d, d, fo, null);
            straight = m.weights(1);
        }
        ModelState saved;
        try (Backend b = new CpuBackend(1); Model m = dropoutNet(b); Optimizer adam = Optimizer.adam(0.01f)) {
            StopRequest stop = new StopRequest();
            Trainer t = new Trainer(m, Loss.CROSS_ENTROPY, adam).stopOn(stop);
            int[] lastBatch = new int[2];
            t.onBatch((epoch, batch, batches, samples, loss) -> {
                lastBatch[0] = epoch;
                lastBatch[1] = batch;
                if (epoch == 2 && batch == 5) {
                    stop.request();
                }
            });
            TrainResult r = t.fit(d, d, fo, null);
            assertEquals(new TrainResult.Interruption(1, 5, 12), r.interrupted());
            assertEquals(1, r.epochs().size(), "epoch 2 did not finish");
            assertArrayEquals(new int[] {2, 5}, lastBatch, "no batch after the one that was running");
            saved = m.state(adam, Map.of());
        }
        try (Backend b = new CpuBackend(1); Model m = dropoutNet(b); Optimizer adam = Optimizer.adam(0.01f)) {
            m.loadState(saved);
            adam.importState(m.parameters(), saved.extras());
            TrainResult r = new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(d, d, fo.withStartEpoch(1).withStartBatch(5), null);
            assertEquals(null, r.interrupted());
            assertEquals(2, r.epochs().get(0).epoch());
            assertArrayEquals(straight, m.weights(1));
        }
    }

    @Test
    void aStopRequestedBeforeTheFirstBatchTrainsNothing() {
        Dataset d = TestData.random(20, 3, 2, 1);
        withZeroSoftmax((m, trainer) -> {
            StopRequest stop = new StopRequest();
            stop.request();
            TrainResult r = trainer.stopOn(stop).fit(d, d, new FitOptions(5, 2, 1), null);
            assertEquals(new TrainResult.Interruption(0, 0, 4), r.interrupted());
            assertTrue(r.epochs().isEmpty());
            assertArrayEquals(new float[6], m.weights(0));
        });
    }

    /** A softmax layer of two units over 3 inputs from zero weights, trained by SGD at rate 1 on one thread. */
    private static void withZeroSoftmax(BiConsumer<Model, Trainer> body) {
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(3).dense(2, Activation.SOFTMAX).init(Init.ZEROS).build(b);
             Optimizer sgd = Optimizer.sgd(1f)) {
            body.accept(m, new Trainer(m, Loss.CROSS_ENTROPY, sgd));
        }
    }

    private static Model dropoutNet(Backend b) {
        return Model.builder(5).dense(7, Activation.TANH).dropout(0.2f).dense(3, Activation.SOFTMAX).seed(9).build(b);
    }

    @Test
    void gradientClippingBoundsTheUpdate() {
        Dataset d = TestData.random(16, 3, 2, 6);
        withZeroSoftmax((m, trainer) -> {
            trainer.fit(d, d, new FitOptions(16, 1, 1).withClipNorm(1e-3f), null);
            double sq = 0;
            for (float v : m.weights(0)) {
                sq += v * v;
            }
            for (float v : m.bias(0)) {
                sq += v * v;
            }
            // one SGD step of lr 1 from zeros moves the parameters by exactly the clipped gradient
            assertEquals(1e-3, Math.sqrt(sq), 1e-6);
        });
    }

    /** A dropout run draws the same masks on 1 and 3 threads, so it ends with the same parameters, bit for bit. */
    @Test
    void trainingWithDropoutDoesNotDependOnTheThreadCount() {
        Dataset d = TestData.random(300, 12, 3, 21);
        float[][] weights = new float[2][];
        int[] threads = {1, 3};
        for (int k = 0; k < 2; k++) {
            try (Backend b = new CpuBackend(threads[k]);
                 Model m = Model.builder(12).dense(40, Activation.RELU).dropout(0.5f).dense(20, Activation.TANH)
                         .dropout(0.2f).dense(3, Activation.SOFTMAX).seed(4).build(b);
                 Optimizer opt = Optimizer.momentum(0.05f, 0.9f).withWeightDecay(1e-3f)) {
                new Trainer(m, Loss.CROSS_ENTROPY, opt).fit(d, d, new FitOptions(32, 3, 11), null);
                weights[k] = m.weights(0);
            }
        }
        assertArrayEquals(weights[0], weights[1]);
    }

    /**
     * Input dropout, hidden dropout, max-norm and a momentum ramp together: 1 and 3 threads draw the
     * same masks and end with the same parameters, bit for bit; and input dropout changes the run.
     */
    @Test
    void trainingWithInputDropoutDoesNotDependOnTheThreadCount() {
        Dataset d = TestData.random(300, 12, 3, 21);
        float[][] weights = new float[3][];
        int[] threads = {1, 3, 3};
        float[] inputRates = {0.2f, 0.2f, 0f};
        for (int k = 0; k < 3; k++) {
            try (Backend b = new CpuBackend(threads[k]);
                 Model m = Model.builder(12).inputDropout(inputRates[k]).dense(40, Activation.RELU).dropout(0.5f)
                         .dense(3, Activation.SOFTMAX).seed(4).build(b);
                 Optimizer opt = Optimizer.momentum(0.05f, new MomentumRamp(0.5f, 0.9f, 20), false)) {
                new Trainer(m, Loss.CROSS_ENTROPY, opt).maxNorm(0.8f).fit(d, d, new FitOptions(32, 3, 11), null);
                weights[k] = m.weights(0);
            }
        }
        assertArrayEquals(weights[0], weights[1], "1 and 3 threads");
        assertTrue(!java.util.Arrays.equals(weights[1], weights[2]), "input dropout changed nothing");
    }

    /** Input dropout is on in training only, and keyed by (seed, step) like hidden dropout. */
    @Test
    void inputDropoutIsOffInPredictionAndKeyedByStep() {
        Dataset d = TestData.random(20, 6, 2, 3);
        try (Backend b = new CpuBackend(2);
             Model with = Model.builder(6).inputDropout(0.5f).dense(8, Activation.RELU).dense(2, Activation.SOFTMAX)
                     .seed(5).build(b);
             Model without = Model.builder(6).dense(8, Activation.RELU).dense(2, Activation.SOFTMAX).seed(5).build(b);
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            assertTrue(with.hasDropout());
            assertArrayEquals(without.predict(d.features(), d.size()), with.predict(d.features(), d.size()));
            Trainer t = new Trainer(with, Loss.CROSS_ENTROPY, sgd);
            double a = t.lossAndGradients(d, 1L, 1);
            assertEquals(a, t.lossAndGradients(d, 1L, 1), "the same key draws the same mask");
            assertTrue(a != t.lossAndGradients(d, 1L, 2), "another step draws another mask");
            assertTrue(a != new Trainer(without, Loss.CROSS_ENTROPY, sgd).evaluate(d, 20).loss(),
                    "the training loss with input dropout differs from the loss without it");
        }
    }

    /**
     * After training with max-norm 0.3 every hidden unit's incoming weights have norm ≤ 0.3 (to float
     * rounding), while the output layer, left free, has a unit above it (its initial norms are ≈ 1.3).
     */
    @Test
    void maxNormBoundsEveryHiddenUnitButNotTheOutputLayer() {
        Dataset d = TestData.random(200, 10, 3, 5);
        try (Backend b = new CpuBackend(2);
             Model m = Model.builder(10).dense(20, Activation.RELU).dense(16, Activation.TANH)
                     .dense(3, Activation.SOFTMAX).seed(3).build(b);
             Optimizer adam = Optimizer.adam(0.05f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, adam).maxNorm(0.3f).fit(d, d, new FitOptions(16, 2, 1), null);
            for (int l = 0; l < 3; l++) {
                Dense layer = m.layers().get(l);
                float[] w = m.weights(l);
                double largest = 0;
                for (int j = 0; j < layer.outputs(); j++) {
                    double sq = 0;
                    for (int i = 0; i < layer.inputs(); i++) {
                        sq += (double) w[i * layer.outputs() + j] * w[i * layer.outputs() + j];
                    }
                    largest = Math.max(largest, Math.sqrt(sq));
                }
                if (l < 2) {
                    assertTrue(largest <= 0.3 * (1 + 1e-5), "hidden layer " + l + ": a unit's norm is " + largest);
                    assertTrue(largest > 0.29, "hidden layer " + l + ": no unit reached the bound (" + largest + ")");
                } else {
                    assertTrue(largest > 0.5, "the output layer was constrained too: largest norm " + largest);
                }
            }
        }
    }

    @Test
    void aRecipeWithTuningSurvivesCheckpointMetadataAndBuildsItsParts() {
        TrainingRecipe r = TrainingRecipe.defaults().withHidden(new int[] {9}, null).withOptimizer("nesterov", 0.05f)
                .withTuning(0.2f, 3.5f, new MomentumRamp(0.5f, 0.99f, 500_000), TrainingRecipe.DEFAULT_RHO,
                        TrainingRecipe.DEFAULT_EPS);
        try (Backend b = new CpuBackend(1); Model m = r.build(b, 5, 3); Optimizer o = r.newOptimizer()) {
            ModelState st = m.state(null, r.metadata(2));
            assertEquals(r, TrainingRecipe.fromMetadata(st));
            assertEquals("0.5:0.99:500000", st.metadata().get("momentum-ramp"));
            assertEquals(0.2f, m.inputDropout());
            assertTrue(o.toString().contains("0.5:0.99:500000 ramp"), o.toString());
        }
        TrainingRecipe rms = TrainingRecipe.defaults().withOptimizer("rmsprop", 0.001f)
                .withTuning(0f, 0f, null, 0.9f, 1e-7f);
        try (Backend b = new CpuBackend(1); Model m = rms.build(b, 5, 3)) {
            assertEquals(rms, TrainingRecipe.fromMetadata(m.state(null, rms.metadata(1))));
        }
    }

    /** Dropout is on in training only: prediction is deterministic and equals the model without dropout. */
    @Test
    void dropoutIsOffInPrediction() {
        Dataset d = TestData.random(20, 6, 2, 3);
        try (Backend b = new CpuBackend(2);
             Model with = Model.builder(6).dense(8, Activation.RELU).dropout(0.5f).dense(2, Activation.SOFTMAX)
                     .seed(5).build(b);
             Model without = Model.builder(6).dense(8, Activation.RELU).dense(2, Activation.SOFTMAX).seed(5).build(b)) {
            assertArrayEquals(without.predict(d.features(), d.size()), with.predict(d.features(), d.size()));
            Optimizer sgd = Optimizer.sgd(0.1f);
            Trainer t = new Trainer(with, Loss.CROSS_ENTROPY, sgd);
            double a = t.lossAndGradients(d, 1L, 1);
            double again = t.lossAndGradients(d, 1L, 1);
            double other = t.lossAndGradients(d, 1L, 2);
            assertEquals(a, again, "the same key draws the same mask");
            assertTrue(a != other, "another step draws another mask: " + a + " vs " + other);
            double eval = t.evaluate(d, 20).loss();
            assertTrue(eval != a, "the training loss with dropout differs from the evaluation loss");
            sgd.close();
        }
    }

    @Test
    void aRecipeSurvivesCheckpointMetadata() {
        TrainingRecipe r = new TrainingRecipe(new int[] {30, 20}, Activation.TANH, Activation.SOFTMAX,
                Loss.CROSS_ENTROPY, "nesterov", 0.07f, new LrSchedule("step", 0.5f, 3, 1), 0.8f, 0.002f, new float[] {0.5f, 0.25f}, Init.XAVIER,
                99L, 64, 12);
        try (Backend b = new CpuBackend(1); Model m = r.build(b, 5, 3)) {
            ModelState st = m.state(null, r.metadata(4));
            assertEquals(r, TrainingRecipe.fromMetadata(st));
            assertEquals("4", st.metadata().get("epoch"));
            assertEquals(0.25f, m.layers().get(1).dropout());
        }
    }

    /**
     * Validation labels shifted by one class from the training labels: the better the model fits
     * the training set the worse the validation loss gets, so early stopping must stop after its
     * patience and hand back the best epoch's parameters, exactly those of a run that stopped there.
     */
    @Test
    void earlyStoppingRestoresTheBestEpochsParameters() {
        Dataset train = TestData.random(120, 6, 3, 8);
        int[] shifted = train.labels().clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = (shifted[i] + 1) % 3;
        }
        Dataset val = TestData.dataset(train.features(), 6, shifted, 3);
        TrainResult r;
        float[] kept;
        try (Backend b = new CpuBackend(2); Model m = net(b); Optimizer adam = Optimizer.adam(0.01f)) {
            r = new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(train, val, "val",
                    new FitOptions(20, 30, 2).withEarlyStopping(2), null);
            kept = m.weights(0);
        }
        assertTrue(r.stoppedEarly(), "stopped early");
        assertEquals(r.bestEpoch() + 2, r.last().epoch(), "stops after 2 epochs without improvement");
        for (EpochStats e : r.epochs()) {
            assertTrue(e.testLoss() >= r.best().testLoss(), "epoch " + e.epoch() + " has a lower val loss than the best");
            assertEquals("val", e.monitor());
        }
        try (Backend b = new CpuBackend(2); Model m = net(b); Optimizer adam = Optimizer.adam(0.01f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(train, val, new FitOptions(20, r.bestEpoch(), 2), null);
            assertArrayEquals(m.weights(0), kept, "the best epoch's weights");
        }
    }

    private static Model net(Backend b) {
        return Model.builder(6).dense(16, Activation.RELU).dense(3, Activation.SOFTMAX).seed(3).build(b);
    }


    /**
     * The backpropagation deck's point: logistic regression cannot do XOR (it stays near chance),
     * the 2-3-1 network (2·3 + 3 + 3·1 + 1 = 13 parameters) gets every point right, on points it
     * was trained on and on a second draw.
     */
    @Test
    void aHiddenLayerSolvesXorWhereLogisticRegressionCannot() {
        Dataset train = org.backprop.data.Synthetic.generate("xor", 400, 42);
        Dataset test = org.backprop.data.Synthetic.generate("xor", 100, 43);
        try (Backend b = new CpuBackend(2)) {
            try (Model logistic = Model.builder(2).dense(1, Activation.SIGMOID).init(Init.ZEROS).build(b);
                 Optimizer adam = Optimizer.adam(0.05f)) {
                TrainResult r = new Trainer(logistic, Loss.BINARY_CROSS_ENTROPY, adam).fit(train, test,
                        new FitOptions(32, 100, 42), null);
                // a line gets at most 3 of the 4 blobs; here it settles near one half
                assertTrue(r.last().trainAccuracy() < 0.76 && r.last().testAccuracy() < 0.76,
                        "logistic regression on XOR: train " + r.last().trainAccuracy() + ", test " + r.last().testAccuracy());
            }
            try (Model mlp = Model.builder(2).dense(3, Activation.TANH).dense(1, Activation.SIGMOID).seed(42).build(b);
                 Optimizer adam = Optimizer.adam(0.05f)) {
                assertEquals(13, mlp.parameterCount());
                TrainResult r = new Trainer(mlp, Loss.BINARY_CROSS_ENTROPY, adam).fit(train, test,
                        new FitOptions(32, 100, 42), null);
                assertEquals(1.0, r.last().testAccuracy(), "2-3-1 on XOR, test");
                assertEquals(1.0, new Trainer(mlp, Loss.BINARY_CROSS_ENTROPY, adam).evaluate(train, 400).accuracy(),
                        "2-3-1 on XOR, training set");
            }
        }
    }
}
