package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
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
            Checkpoint.save(bpm, Checkpoints.capture(m, adam, Map.of("note", "test")));
            Npz.save(npz, Checkpoints.capture(m, null, Map.of()));
            for (ModelState st : new ModelState[] {Checkpoint.load(bpm), Npz.load(npz)}) {
                try (Model back = Checkpoints.restore(st, b)) {
                    assertArrayEquals(expected, back.predict(d.features(), d.size()));
                }
            }
        }
    }

    @Test
    void initialWeightsFromAnNpzAreWhereTrainingStarts() throws Exception {
        Dataset d = TestData.random(40, 4, 2, 5);
        Path npz = dir.resolve("init.npz");
        float[] w0;
        try (Backend b = new CpuBackend(1);
             Model source = Model.builder(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX).seed(99).build(b)) {
            w0 = source.weights(0);
            Npz.save(npz, Checkpoints.capture(source, null, Map.of()));
        }
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(4).dense(3, Activation.RELU).dense(2, Activation.SOFTMAX).seed(1).build(b)) {
            Checkpoints.load(m, Npz.load(npz));
            assertArrayEquals(w0, m.weights(0));
            try (Model wrong = Model.builder(4).dense(5, Activation.RELU).dense(2, Activation.SOFTMAX).build(b)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Checkpoints.load(wrong, Npz.load(npz)));
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

    @Test
    void gradientClippingBoundsTheUpdate() {
        Dataset d = TestData.random(16, 3, 2, 6);
        try (Backend b = new CpuBackend(1);
             Model m = Model.builder(3).dense(2, Activation.SOFTMAX).init(Init.ZEROS).build(b);
             Optimizer sgd = Optimizer.sgd(1f)) {
            new Trainer(m, Loss.CROSS_ENTROPY, sgd).fit(d, d, new FitOptions(16, 1, 1).withClipNorm(1e-3f), null);
            double sq = 0;
            for (float v : m.weights(0)) {
                sq += v * v;
            }
            for (float v : m.bias(0)) {
                sq += v * v;
            }
            // one SGD step of lr 1 from zeros moves the parameters by exactly the clipped gradient
            assertEquals(1e-3, Math.sqrt(sq), 1e-6);
        }
    }
}
