package org.backprop.core.contract;

import java.util.ArrayList;
import java.util.List;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Every op of a backend against the double-precision {@link ReferenceBackend}: each case of the
 * {@link OpCatalogue} (seeded random inputs over many shapes, each output held to the float32
 * bound stated beside it there), and, family by family, the behaviour random inputs cannot show:
 * special values, ties, views, accumulation and the rejections. The families are the interfaces
 * this class implements ({@link MemoryContract}, {@link GemmContract}, {@link BiasContract},
 * {@link ActivationContract}, {@link LossContract}, {@link MetricContract},
 * {@link OptimizerContract}, {@link DataContract}, {@link DropoutContract}); the tests use only the public {@link Backend}
 * API, so the same suite judges the CPU and the GPU.
 *
 * <p>To use it: {@code class CudaBackendTest extends BackendContract} with
 * {@code createBackend()} returning the backend; where it cannot run, call
 * {@code Assumptions.assumeTrue(false, reason)} there and every test is skipped with the reason.
 * {@code -Dbackprop.catalogue.shapes=reduced} runs the catalogue on small shapes only (for an
 * emulated driver). Index tensors are read back only through {@code gatherRows}, so no backend
 * needs an int download.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract implements MemoryContract, GemmContract, BiasContract, ActivationContract,
        LossContract, MetricContract, OptimizerContract, DataContract, DropoutContract {

    private final ReferenceBackend ref = new ReferenceBackend();
    private final List<Tensor> open = new ArrayList<>();
    private Backend backend;

    /** Opens the backend under test; called once per test class and closed after it. */
    protected abstract Backend createBackend();

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final ReferenceBackend reference() {
        return ref;
    }

    @Override
    public final Tensor track(Tensor t) {
        open.add(t);
        return t;
    }

    @BeforeAll
    void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @AfterEach
    void closeTensors() {
        for (Tensor t : open) {
            t.close();
        }
        open.clear();
    }
}
