package org.backprop.cuda;

/**
 * Every kernel Java launches: its {@code extern "C"} entry name, the PTX resource it lives in, and
 * its parameter signature ({@code p} device pointer, {@code i} int, {@code f} float, in order).
 * The launch helper checks each call against the signature, and {@code PtxWiringTest} checks the
 * signature against the {@code .entry} in the bundled PTX, so a kernel whose parameters change
 * without its Java call changing fails a CI test instead of reading garbage on a GPU.
 */
enum Kernel {
    // One constant per kernel, named after the Backend op it implements; module = the .cu file.
    SIGMOID_FORWARD("activations", "sigmoid_forward", "ppi"),
    SIGMOID_BACKWARD("activations", "sigmoid_backward", "pppi"),
    TANH_FORWARD("activations", "tanh_forward", "ppi"),
    TANH_BACKWARD("activations", "tanh_backward", "pppi"),
    RELU_FORWARD("activations", "relu_forward", "ppi"),
    RELU_BACKWARD("activations", "relu_backward", "pppi"),

    SOFTMAX("softmax", "softmax", "ppii"),
    SOFTMAX_CROSS_ENTROPY("softmax", "softmax_cross_entropy", "pppppiif"),
    SOFTMAX_CROSS_ENTROPY_COUNT("softmax", "softmax_cross_entropy_count", "ppppppiif"),

    SIGMOID_BINARY_CROSS_ENTROPY("losses", "sigmoid_binary_cross_entropy", "pppppif"),
    SQUARED_ERROR("losses", "squared_error", "ppppif"),

    COUNT_CORRECT("metrics", "count_correct", "pppii"),
    ARGMAX("metrics", "argmax", "ppii"),
    SUM_OF_SQUARES("metrics", "sum_of_squares", "ppi"),

    ADD_PARTIALS("reductions", "add_partials", "pip"),

    ADD_BIAS("bias", "add_bias", "ppii"),
    BIAS_GRADIENT("bias", "bias_gradient", "ppiif"),

    SGD_UPDATE("optimizers", "sgd_update", "ppfi"),
    MOMENTUM_UPDATE("optimizers", "momentum_update", "pppffi"),
    ADAM_UPDATE("optimizers", "adam_update", "ppppffffffi"),
    /** Up to {@link #MANY} (param, grad, size) triples after (lr, count). */
    SGD_UPDATE_MANY("optimizers", "sgd_update_many", "pi" + "ppi".repeat(8)),

    FILL("elementwise", "fill", "pfi"),
    SCALE("elementwise", "scale", "pfi"),

    NESTEROV_UPDATE("optimizers", "nesterov_update", "pppffi"),
    RMSPROP_UPDATE("optimizers", "rmsprop_update", "pppfffi"),
    MAX_NORM("optimizers", "max_norm", "piif"),
    AXPY("elementwise", "axpy", "fppi"),

    DROPOUT("dropout", "dropout", "ppiiiiiiif"),

    GATHER_ROWS("gather", "gather_rows", "ppipiii"),
    GATHER_ROWS_AT("gather", "gather_rows_at", "ppppiiii"),
    ADVANCE_INDEX("gather", "advance_index", "pi"),

    DEFORM_IMAGES("deform", "deform_images", "ppiiifffffiiii"),

    GEMM_NN("gemm", "gemm_nn", "iiifpipifpi"),
    GEMM_NT("gemm", "gemm_nt", "iiifpipifpi"),
    GEMM_TN("gemm", "gemm_tn", "iiifpipifpi"),
    GEMM_TT("gemm", "gemm_tt", "iiifpipifpi"),
    LINEAR_FORWARD("gemm", "linear_forward", "iiipipipipi"),
    LINEAR_INPUT_GRADIENT("gemm", "linear_input_gradient", "iiipipipipi"),
    LINEAR_GRADIENTS("gemm", "linear_gradients", "iiipipipip"),
    GEMM_NN_NARROW("gemm", "gemm_nn_narrow", "iiifpipifpi"),
    GEMM_NT_NARROW("gemm", "gemm_nt_narrow", "iiifpipifpi"),
    GEMM_TN_NARROW("gemm", "gemm_tn_narrow", "iiifpipifpi"),
    GEMM_TT_NARROW("gemm", "gemm_tt_narrow", "iiifpipifpi"),
    LINEAR_FORWARD_NARROW("gemm", "linear_forward_narrow", "iiipipipipi"),
    LINEAR_INPUT_GRADIENT_NARROW("gemm", "linear_input_gradient_narrow", "iiipipipipi"),
    LINEAR_GRADIENTS_NARROW("gemm", "linear_gradients_narrow", "iiipipipip"),
    LINEAR_GRADIENTS_SPLIT("gemm", "linear_gradients_split", "iiiipipip"),
    REDUCE_SPLITS("gemm", "reduce_splits", "piiipip");

    /** Tensors per launch of {@link #SGD_UPDATE_MANY}. */
    static final int MANY = 8;

    /** Where the PTX modules live on the class path. */
    static final String PTX_DIR = "/org/backprop/cuda/ptx/";

    private final String module;
    private final String entry;
    private final String signature;

    Kernel(String module, String entry, String signature) {
        this.module = module;
        this.entry = entry;
        this.signature = signature;
    }

    /** PTX module name without extension, e.g. {@code softmax} for {@code softmax.ptx}. */
    String module() { return module; }

    String entry() { return entry; }

    String signature() { return signature; }

    int arity() { return signature.length(); }

    String resource() { return PTX_DIR + module + ".ptx"; }

    static Kernel gemm(boolean transA, boolean transB) {
        if (transA) {
            return transB ? GEMM_TT : GEMM_TN;
        }
        return transB ? GEMM_NT : GEMM_NN;
    }

    /** The 64x16-tile twin of a 128x128-tile GEMM kernel. */
    Kernel narrow() {
        return switch (this) {
            case GEMM_NN -> GEMM_NN_NARROW;
            case GEMM_NT -> GEMM_NT_NARROW;
            case GEMM_TN -> GEMM_TN_NARROW;
            case GEMM_TT -> GEMM_TT_NARROW;
            case LINEAR_FORWARD -> LINEAR_FORWARD_NARROW;
            case LINEAR_INPUT_GRADIENT -> LINEAR_INPUT_GRADIENT_NARROW;
            case LINEAR_GRADIENTS -> LINEAR_GRADIENTS_NARROW;
            default -> throw new IllegalArgumentException(this + " has no narrow variant");
        };
    }
}
