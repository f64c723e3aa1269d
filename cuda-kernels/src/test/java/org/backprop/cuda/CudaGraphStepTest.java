package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;
import org.backprop.nn.Activation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The training step as one CUDA graph: replayed steps give the bits of steps issued op by op,
 * follow the learning-rate schedule (read on the device), and cost one graph launch and no
 * allocation each; the kernel count of a step is the one the docs quote. On CI this runs on the
 * emulated driver, which records and replays the graph itself (a check of the capture logic,
 * not of a GPU's graph engine).
 */
@ExtendWith(RequiresCuda.class)
class CudaGraphStepTest {

    private static final int BATCH = 16;
    private static final int STEPS_PER_EPOCH = 4;

    private static CudaBackend ptxBackend() {
        CudaContractTest.requireCuda();
        return new CudaBackend(CudaDevice.get(), GemmChoice.PTX);
    }

    private static Dataset data(int rows) {
        Random r = new Random(7);
        float[] x = new float[rows * 12];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 12; j++) {
                x[i * 12 + j] = (float) (r.nextGaussian() * 0.5 + (j % 3 == y[i] ? 1 : 0));
            }
        }
        return new Dataset("three blobs", x, y, 12, 3);
    }

    /** 12-10-8-3 sigmoid MLP (three layers, as the reference MNIST network), softmax + cross-entropy. */
    private static Model model(Backend b) {
        return Model.builder(12).dense(10, Activation.SIGMOID).dense(8, Activation.TANH)
                .dense(3, Activation.SOFTMAX).seed(3).build(b);
    }

    private record Run(List<float[]> parameters, List<CudaBackend.Counts> perEpoch, List<Double> losses) { }

    private static Run train(CudaBackend b, Dataset train, int epochs, boolean graphs) {
        return train(b, train, epochs, graphs, 0f);
    }

    private static Run train(CudaBackend b, Dataset train, int epochs, boolean graphs, float maxNorm) {
        try (Model m = model(b); Optimizer sgd = Optimizer.sgd(0.5f)) {
            List<CudaBackend.Counts> marks = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            marks.add(b.counts());
            FitOptions o = new FitOptions(BATCH, epochs, 11L).withLrDecay(0.5f).withRecordSteps(graphs);
            new Trainer(m, Loss.CROSS_ENTROPY, sgd).maxNorm(maxNorm).fit(train, train, o, s -> {
                marks.add(b.counts());
                losses.add(s.trainLoss());
            });
            List<CudaBackend.Counts> perEpoch = new ArrayList<>();
            for (int e = 1; e < marks.size(); e++) {
                perEpoch.add(marks.get(e).minus(marks.get(e - 1)));
            }
            List<float[]> params = new ArrayList<>();
            for (int i = 0; i < m.layers().size(); i++) {
                params.add(m.weights(i));
                params.add(m.bias(i));
            }
            return new Run(params, perEpoch, losses);
        }
    }

    @Test
    void replayedStepsGiveTheBitsOfStepsIssuedOneByOne() {
        Dataset train = data(STEPS_PER_EPOCH * BATCH + 5);   // four full batches and a short one
        try (CudaBackend b = ptxBackend()) {
            Run plain = train(b, train, 3, false);
            Run graph = train(b, train, 3, true);
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i), graph.parameters().get(i), 0f, "parameter tensor " + i);
            }
            assertEquals(plain.losses(), graph.losses());
            assertTrue(plain.losses().get(2) < plain.losses().get(0), "training lowers the loss: " + plain.losses());
        }
    }

    /** Max-norm is part of the recorded step: one max_norm kernel per hidden layer, the same bits replayed. */
    @Test
    void replayedStepsWithMaxNormGiveTheBitsOfStepsIssuedOneByOne() {
        Dataset train = data(STEPS_PER_EPOCH * BATCH);
        try (CudaBackend b = ptxBackend()) {
            Run plain = train(b, train, 2, false, 0.7f);
            Run graph = train(b, train, 2, true, 0.7f);
            Run free = train(b, train, 2, false, 0f);
            for (int i = 0; i < plain.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i), graph.parameters().get(i), 0f, "parameter tensor " + i);
            }
            assertTrue(!java.util.Arrays.equals(plain.parameters().get(0), free.parameters().get(0)),
                    "max-norm 0.7 changed nothing");
            assertEquals(STEPS_PER_EPOCH, graph.perEpoch().get(1).graphLaunches(), "one graph launch per step");
            // the 15 kernels of a plain step and one max_norm per hidden layer (2)
            assertEquals(STEPS_PER_EPOCH * 17L, plain.perEpoch().get(1).kernelLaunches()
                    - graph.perEpoch().get(1).kernelLaunches(), "kernels per step");
        }
    }

    @Test
    void aReplayedStepIsOneGraphLaunchOfFifteenKernelsAndAllocatesNothing() {
        Dataset train = data(STEPS_PER_EPOCH * BATCH);   // full batches only: one step shape
        try (CudaBackend b = ptxBackend()) {
            Run plain = train(b, train, 2, false);
            Run graph = train(b, train, 2, true);
            // epoch 2: every step of the graph run is a replay; evaluation and metrics are the same in both
            CudaBackend.Counts p = plain.perEpoch().get(1);
            CudaBackend.Counts g = graph.perEpoch().get(1);
            assertEquals(0, p.graphLaunches());
            assertEquals(STEPS_PER_EPOCH, g.graphLaunches(), "one graph launch per step");
            assertEquals(0, p.allocations(), "no allocation in an epoch of plain steps");
            assertEquals(0, g.allocations(), "no allocation in an epoch of replayed steps");
            // per step, 3 layers: 2 gathers + 1 offset advance + 3 linear_forward
            // + 3 softmax_cross_entropy_count (kernel, 2 add_partials) + 3 linear_gradients
            // + 2 linear_input_gradient + 1 sgd_update_many = 15 (30 before the fused ops)
            assertEquals(STEPS_PER_EPOCH * 15L, p.kernelLaunches() - g.kernelLaunches(), "kernels per step");
        }
    }

    @Test
    void aStepThatReadsBackIsNotRecordedAndLeavesTheBackendWorking() {
        try (CudaBackend b = ptxBackend(); Tensor t = b.upload(new float[] {2f}, 1, 1)) {
            Backend.Recording r = b.record(() -> {
                b.scale(t, 3f);
                b.scalar(t);
            });
            assertNull(r);
            assertNotNull(b.recordRefusal());
            assertEquals(2f, b.scalar(t), "the refused capture ran nothing");
            b.scale(t, 3f);
            assertEquals(6f, b.scalar(t));
        }
    }

    @Test
    void aRecordingReplaysOnTheCurrentContentsOfItsTensors() {
        try (CudaBackend b = ptxBackend(); Tensor t = b.upload(new float[] {1f, 2f, 3f}, 1, 3)) {
            try (Backend.Recording r = b.record(() -> b.scale(t, 2f))) {
                assertNotNull(r, () -> b.recordRefusal());
                assertEquals(1, r.kernels());
                assertArrayEquals(new float[] {1f, 2f, 3f}, b.download(t), 0f, "recording runs nothing");
                r.replay();
                r.replay();
                assertArrayEquals(new float[] {4f, 8f, 12f}, b.download(t), 0f);
            }
        }
    }
}
