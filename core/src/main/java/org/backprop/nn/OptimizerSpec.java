package org.backprop.nn;

import java.io.Serializable;
import java.util.Locale;

/**
 * An optimiser's kind and hyperparameters as a plain value, for building the same update rule
 * on another machine (data-parallel workers) from what the driver was configured with.
 */
public record OptimizerSpec(String name, float lr, float momentum, float beta1, float beta2, float eps)
        implements Serializable {

    public OptimizerSpec {
        name = name.toLowerCase(Locale.ROOT);
        if (!name.equals("sgd") && !name.equals("momentum") && !name.equals("adam")) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "': expected sgd, momentum or adam");
        }
        build(name, lr, momentum, beta1, beta2, eps).close();
    }

    public static OptimizerSpec sgd(float lr) {
        return new OptimizerSpec("sgd", lr, 0f, 0.9f, 0.999f, 1e-8f);
    }

    public static OptimizerSpec momentum(float lr, float momentum) {
        return new OptimizerSpec("momentum", lr, momentum, 0.9f, 0.999f, 1e-8f);
    }

    public static OptimizerSpec adam(float lr) {
        return new OptimizerSpec("adam", lr, 0f, 0.9f, 0.999f, 1e-8f);
    }

    /** {@code sgd}, {@code momentum} (with {@code momentum}) or {@code adam} (PyTorch's default betas and eps). */
    public static OptimizerSpec of(String name, float lr, float momentum) {
        return new OptimizerSpec(name, lr, momentum, 0.9f, 0.999f, 1e-8f);
    }

    /** A fresh optimiser of this kind, unbound and with no state. */
    public Optimizer create() {
        return build(name, lr, momentum, beta1, beta2, eps);
    }

    private static Optimizer build(String name, float lr, float momentum, float beta1, float beta2, float eps) {
        return switch (name) {
            case "sgd" -> Optimizer.sgd(lr);
            case "momentum" -> Optimizer.momentum(lr, momentum);
            case "adam" -> Optimizer.adam(lr, beta1, beta2, eps);
            default -> throw new AssertionError(name);
        };
    }
}
