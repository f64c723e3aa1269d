package org.backprop.cuda;

import org.backprop.core.Availability;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Backends;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables a GPU-only test class where CUDA cannot run, with the availability reason as the
 * visible skip message (an assumption failing in {@code @BeforeAll} would hide it in reports).
 * {@link AndCpu} also needs the CPU backend on the class path, for parity.
 */
class RequiresCuda implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Availability a = CudaDevice.probe();
        if (a.usable()) {
            return alsoNeeds(ConditionEvaluationResult.enabled("CUDA: " + a.detail()));
        }
        String notBuilt = Emulation.notBuiltReason();
        return ConditionEvaluationResult.disabled("CUDA not usable here: " + a.detail()
                + (notBuilt == null ? "" : " (" + notBuilt + ")"));
    }

    /** Given a usable CUDA: the condition's result once what else the tests need is checked too. */
    ConditionEvaluationResult alsoNeeds(ConditionEvaluationResult cuda) {
        return cuda;
    }

    static final class AndCpu extends RequiresCuda {

        @Override
        ConditionEvaluationResult alsoNeeds(ConditionEvaluationResult cuda) {
            try {
                Availability cpu = Backends.provider("cpu").availability();
                return cpu.usable() ? cuda : ConditionEvaluationResult.disabled("cpu backend unusable: " + cpu.detail());
            } catch (BackendUnavailableException e) {
                return ConditionEvaluationResult.disabled("no cpu backend registered on the test class path: "
                        + e.getMessage());
            }
        }
    }

    /** Also needs cuBLAS: where it cannot load, the PTX-GEMM contract already covers that path. */
    static final class AndCublas extends RequiresCuda {

        @Override
        ConditionEvaluationResult alsoNeeds(ConditionEvaluationResult cuda) {
            CudaDevice d = CudaDevice.get();
            return d.cublasLoaded() ? cuda : ConditionEvaluationResult.disabled("cuBLAS unavailable ("
                    + d.cublasProblem + "): the PTX GEMM path is CudaPtxGemmContractTest's, not run twice");
        }
    }
}
