package org.backprop.core.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of a backend against the double-precision {@link ReferenceBackend}: each case of the
 * {@link OpCatalogue} (seeded random inputs over many shapes, each output held to the float32
 * bound stated beside it there; one parameterised test runs them all), and, family by family, the behaviour random inputs cannot show:
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
public abstract class BackendContract extends BackendPerClass implements MemoryContract, GemmContract, BiasContract, ActivationContract,
        LossContract, MetricContract, OptimizerContract, DataContract, DropoutContract {

    private final ReferenceBackend ref = new ReferenceBackend();
    private final List<Tensor> open = new ArrayList<>();

    @Override
    public final ReferenceBackend reference() {
        return ref;
    }

    @Override
    public final Tensor track(Tensor t) {
        open.add(t);
        return t;
    }

    /**
     * Every catalogue case, family by family, over the shapes the system property
     * {@value OpCatalogue#SHAPES_PROPERTY} picks ({@code standard} unless it says {@code reduced}).
     */
    static Stream<OpCase> catalogue() {
        return OpCatalogue.cases(OpCatalogue.Shapes.fromProperty()).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void catalogueCaseMatchesReference(OpCase c) {
        check(c);
    }

    @AfterEach
    void closeTensors() {
        for (Tensor t : open) {
            t.close();
        }
        open.clear();
    }
}
