package org.backprop.core.contract;

import java.util.stream.Stream;

import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCase.Family;
import org.backprop.core.reference.OpCatalogue;

/**
 * The catalogue's cases by family, for {@code @MethodSource}. The shape set follows the system
 * property {@value OpCatalogue#SHAPES_PROPERTY} ({@code standard} unless it says {@code reduced}).
 */
public final class Catalogue {

    private Catalogue() { }

    public static Stream<OpCase> memory() {
        return OpCatalogue.family(Family.MEMORY).stream();
    }

    public static Stream<OpCase> gemm() {
        return OpCatalogue.family(Family.GEMM).stream();
    }

    public static Stream<OpCase> bias() {
        return OpCatalogue.family(Family.BIAS).stream();
    }

    public static Stream<OpCase> activations() {
        return OpCatalogue.family(Family.ACTIVATIONS).stream();
    }

    public static Stream<OpCase> dropout() {
        return OpCatalogue.family(Family.DROPOUT).stream();
    }

    public static Stream<OpCase> losses() {
        return OpCatalogue.family(Family.LOSSES).stream();
    }

    public static Stream<OpCase> metrics() {
        return OpCatalogue.family(Family.METRICS).stream();
    }

    public static Stream<OpCase> optimisers() {
        return OpCatalogue.family(Family.OPTIMISERS).stream();
    }

    public static Stream<OpCase> data() {
        return OpCatalogue.family(Family.DATA).stream();
    }
}
