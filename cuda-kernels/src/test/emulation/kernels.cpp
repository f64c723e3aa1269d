// The one place a kernel is registered with the emulated driver: include its .cu, add one
// KERNEL(name) line. The driver finds a launched entry here by the name in the PTX, and checks
// that the C++ parameter count matches the PTX .entry's (a stale PTX fails loudly).
#include "shim.h"
#include "registry.h"

#include "../../main/cuda/activations.cu"
#include "../../main/cuda/bias.cu"
#include "../../main/cuda/deform.cu"
#include "../../main/cuda/dropout.cu"
#include "../../main/cuda/elementwise.cu"
#include "../../main/cuda/gather.cu"
#include "../../main/cuda/losses.cu"
#include "../../main/cuda/metrics.cu"
#include "../../main/cuda/optimizers.cu"
#include "../../main/cuda/reductions.cu"
#include "../../main/cuda/softmax.cu"
#include "../../main/cuda/gemm.cu"   // last: it #defines tile sizes

const emu::KernelEntry emu::kernels[] = {
    KERNEL(sigmoid_forward), KERNEL(sigmoid_backward),
    KERNEL(tanh_forward), KERNEL(tanh_backward),
    KERNEL(relu_forward), KERNEL(relu_backward),
    KERNEL(add_bias), KERNEL(bias_gradient),
    KERNEL(fill), KERNEL(scale), KERNEL(axpy),
    KERNEL(dropout),
    KERNEL(gather_rows), KERNEL(gather_rows_at), KERNEL(advance_index),
    KERNEL(deform_images),
    KERNEL(sigmoid_binary_cross_entropy), KERNEL(squared_error),
    KERNEL(count_correct), KERNEL(argmax), KERNEL(sum_of_squares),
    KERNEL(sgd_update), KERNEL(momentum_update), KERNEL(adam_update), KERNEL(sgd_update_many),
    KERNEL(nesterov_update), KERNEL(rmsprop_update), KERNEL(max_norm),
    KERNEL(add_partials),
    KERNEL(softmax), KERNEL(softmax_cross_entropy), KERNEL(softmax_cross_entropy_count),
    KERNEL(gemm_nn), KERNEL(gemm_nt), KERNEL(gemm_tn), KERNEL(gemm_tt),
    KERNEL(linear_forward), KERNEL(linear_input_gradient), KERNEL(linear_gradients),
    KERNEL(gemm_nn_narrow), KERNEL(gemm_nt_narrow), KERNEL(gemm_tn_narrow), KERNEL(gemm_tt_narrow),
    KERNEL(linear_forward_narrow), KERNEL(linear_input_gradient_narrow), KERNEL(linear_gradients_narrow),
    KERNEL(linear_gradients_split), KERNEL(reduce_splits),
    {nullptr, 0, nullptr},
};
