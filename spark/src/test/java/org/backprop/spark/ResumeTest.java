package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.io.ModelState;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver's model and optimiser hold the whole state of a Spark run, so a checkpoint taken
 * after an epoch and resumed ends with the same parameters, bit for bit, as a run that never
 * stopped — in both modes.
 */
class ResumeTest {

    static final FitOptions THREE = new FitOptions(32, 3, 42);

    static SparkTrainer trainer(Model m, Optimizer o, OptimizerSpec spec, int syncEvery) {
        return new SparkTrainer(LocalSpark.session(), m, Loss.CROSS_ENTROPY, o, spec).withPartitions(2)
                .withSyncEvery(syncEvery);
    }

    @ParameterizedTest(name = "sync every {0}")
    @ValueSource(ints = {1, 4})
    void aResumedRunEndsWhereAnUninterruptedOneDoes(int syncEvery) {
        OptimizerSpec spec = OptimizerSpec.adam(0.01f);
        float[] straight;
        ModelState afterOne;
        try (Backend cpu = new CpuBackend(2); Model m = SynchronousEquivalenceTest.mlp(cpu); Optimizer o = spec.create()) {
            trainer(m, o, spec, syncEvery).fit(SynchronousEquivalenceTest.TRAIN, null, THREE, null);
            straight = SynchronousEquivalenceTest.parameters(m);
        }
        try (Backend cpu = new CpuBackend(2); Model m = SynchronousEquivalenceTest.mlp(cpu); Optimizer o = spec.create()) {
            trainer(m, o, spec, syncEvery).fit(SynchronousEquivalenceTest.TRAIN, null, new FitOptions(32, 1, 42), null);
            afterOne = m.state(o, Map.of("epoch", "1"));
        }
        try (Backend cpu = new CpuBackend(2); Model m = Model.fromState(afterOne, cpu); Optimizer o = spec.create()) {
            o.importState(m.parameters(), afterOne.extras());
            trainer(m, o, spec, syncEvery).fit(SynchronousEquivalenceTest.TRAIN, null, THREE.withStartEpoch(1), null);
            assertArrayEquals(straight, SynchronousEquivalenceTest.parameters(m));
        }
    }
}
