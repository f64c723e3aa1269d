package org.backprop.nn;

import java.util.List;
import java.util.stream.Stream;
import org.backprop.core.Backend;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;

/** Small datasets and backends for the model-level tests. */
final class TestData {

    private TestData() { }

    /** Layer l's weight and bias gradients from the last backward pass, on the host. */
    static float[][] gradients(Model m, int l) {
        List<Parameter> ps = m.parameters();
        return new float[][] {m.backend().download(ps.get(2 * l).grad()), m.backend().download(ps.get(2 * l + 1).grad())};
    }

    static Dataset dataset(float[] x, int features, int[] labels, int classes) {
        return new Dataset("test", x, labels, features, classes);
    }

    /** n random rows in [-1, 1] with random labels (the training contract's generator). */
    static Dataset random(int n, int features, int classes, long seed) {
        return TrainingContract.random(n, features, classes, seed);
    }

    /** The double-precision judge and the real CPU backend, for @MethodSource. */
    static Stream<Backend> backends() {
        return Stream.of(new ReferenceBackend(), new CpuBackend(2));
    }
}
