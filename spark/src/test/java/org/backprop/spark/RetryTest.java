package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A task that dies after it has done its work (parameters uploaded, gradients computed, local
 * optimiser stepped) is retried by Spark, and the run ends with the same parameters, bit for bit,
 * as one where nothing failed: every attempt starts from what the driver broadcast, and the
 * driver applies a step only once every partition has answered. Two partitions, so the sum of
 * their answers is the same whichever arrives first.
 */
class RetryTest {

    static float[] run(int syncEvery, SparkTrainer.Fault fault) {
        OptimizerSpec spec = OptimizerSpec.adam(0.01f);
        try (Backend cpu = new CpuBackend(2); Model m = SynchronousEquivalenceTest.mlp(cpu); Optimizer o = spec.create()) {
            SparkTrainer t = new SparkTrainer(LocalSpark.session(), m, Loss.CROSS_ENTROPY, o, spec)
                    .withPartitions(2).withSyncEvery(syncEvery);
            if (fault != null) {
                t.failOnce(fault.epoch(), fault.batch(), fault.partition());
            }
            t.fit(SynchronousEquivalenceTest.TRAIN, SynchronousEquivalenceTest.TEST, new FitOptions(32, 2, 42), null);
            return SynchronousEquivalenceTest.parameters(m);
        }
    }

    @ParameterizedTest(name = "sync every {0}: partition {3} fails in epoch {1} at batch {2}")
    @CsvSource({"1, 1, 5, 1", "4, 2, 4, 0"})
    void aFailedTaskIsRetriedAndTheResultIsUnchanged(int syncEvery, int epoch, int batch, int partition) {
        float[] clean = run(syncEvery, null);
        int before = SparkTrainer.INJECTED.get();
        float[] retried = run(syncEvery, new SparkTrainer.Fault(epoch, batch, partition));
        assertEquals(before + 1, SparkTrainer.INJECTED.get(), "the injected failure did not fire");
        assertArrayEquals(clean, retried);
    }
}
