package org.backprop.cuda;

/**
 * Every kernel Java launches: its {@code extern "C"} entry name, the PTX resource it lives in, and
 * its parameter signature ({@code p} device pointer, {@code i} int, {@code f} float, in order).
 * The launch helper checks each call against the signature, and {@code PtxWiringTest} checks the
 * signature against the {@code .entry} in the bundled PTX, so a kernel whose parameters change
 * without its Java call changing fails a CI test instead of reading garbage on a GPU.
 */
enum Kernel {
    SIGMOID_FORWARD("activations", "sigmoid_forward", "ppi"),
    SIGMOID_BACKWARD("activations", "sigmoid_backward", "pppi"),
    TANH_FORWARD("activations", "tanh_forward", "ppi"),
    TANH_BACKWARD("activations", "tanh_backward", "pppi"),
    RELU_FORWARD("activations", "relu_forward", "ppi"),
    RELU_BACKWARD("activations", "relu_backward", "pppi"),

    SOFTMAX_ROWS("softmax", "softmax_rows", "ppii"),
    SOFTMAX_XENT_ROWS("softmax", "softmax_xent_rows", "pppppiif"),

    SUM_PARTIALS_ADD("losses", "sum_partials_add", "pip"),
    SIGMOID_BCE("losses", "sigmoid_bce", "pppppif"),
    SQUARED_ERROR("losses", "squared_error", "ppppif"),
    SUM_OF_SQUARES("losses", "sum_of_squares", "ppi"),
    COUNT_CORRECT("losses", "count_correct", "pppii"),
    ARGMAX_ROWS("losses", "argmax_rows", "ppii"),

    ADD_BIAS("bias", "add_bias", "ppii"),
    BIAS_GRAD("bias", "bias_grad", "ppiif"),

    SGD_UPDATE("optim", "sgd_update", "ppfi"),
    MOMENTUM_UPDATE("optim", "momentum_update", "pppffi"),
    ADAM_UPDATE("optim", "adam_update", "ppppffffffi"),
    SCALE_INPLACE("optim", "scale_inplace", "pfi"),
    FILL_VALUE("optim", "fill_value", "pfi"),

    NESTEROV_UPDATE("nesterov", "nesterov_update", "pppffi"),
    RMSPROP_UPDATE("nesterov", "rmsprop_update", "pppfffi"),
    AXPY("nesterov", "axpy", "fppi"),

    DROPOUT("dropout", "dropout", "ppiiiiiiif"),

    GATHER_ROWS("gather", "gather_rows", "ppipiii"),

    SGEMM_NN("gemm", "sgemm_nn", "iiifpipifpi"),
    SGEMM_NT("gemm", "sgemm_nt", "iiifpipifpi"),
    SGEMM_TN("gemm", "sgemm_tn", "iiifpipifpi"),
    SGEMM_TT("gemm", "sgemm_tt", "iiifpipifpi");

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

    static Kernel sgemm(boolean transA, boolean transB) {
        if (transA) {
            return transB ? SGEMM_TT : SGEMM_TN;
        }
        return transB ? SGEMM_NT : SGEMM_NN;
    }
}
