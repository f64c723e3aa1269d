package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/**
 * The momentum ramp and RMSprop's ρ and ε (and Adam's ε), each against updates worked by hand
 * in the comments: one parameter p, its gradient g held fixed, a few steps.
 */
class OptimizerSettingsTest {

    /** Runs {@code steps} updates of one 1×1 parameter from p0 with a constant gradient g; returns p after each. */
    private static float[] run(Optimizer o, float p0, float g, int steps) {
        try (Backend b = new ReferenceBackend();
             Tensor p = b.upload(new float[] {p0}, 1, 1);
             Tensor grad = b.upload(new float[] {g}, 1, 1)) {
            List<Parameter> ps = List.of(new Parameter("p", p, grad));
            float[] out = new float[steps];
            for (int s = 0; s < steps; s++) {
                o.step(ps);
                out[s] = b.download(p)[0];
            }
            o.close();
            return out;
        }
    }

    @Test
    void theRampRisesLinearlyThenHolds() {
        MomentumRamp r = new MomentumRamp(0.5f, 0.9f, 2);
        // μ_t = 0.5 + 0.4·min(t − 1, 2)/2: 0.5, 0.7, 0.9, then 0.9
        assertEquals(0.5f, r.at(1));
        assertEquals(0.7f, r.at(2), 1e-7f);
        assertEquals(0.9f, r.at(3));
        assertEquals(0.9f, r.at(1000));
        // Srivastava's 0.5 → 0.99 over 500000 updates: halfway (t = 250001) is 0.745
        assertEquals(0.745f, new MomentumRamp(0.5f, 0.99f, 500_000).at(250_001), 1e-7f);
    }

    @Test
    void momentumFollowsTheRamp() {
        // p0 = 1, g = 1, lr = 0.1, μ = 0.5, 0.7, 0.9, 0.9 (v = μ·v + g; p −= lr·v):
        // t=1: v = 0.5·0 + 1 = 1;          p = 1 − 0.1     = 0.9
        // t=2: v = 0.7·1 + 1 = 1.7;        p = 0.9 − 0.17  = 0.73
        // t=3: v = 0.9·1.7 + 1 = 2.53;     p = 0.73 − 0.253 = 0.477
        // t=4: v = 0.9·2.53 + 1 = 3.277;   p = 0.477 − 0.3277 = 0.1493
        float[] p = run(Optimizer.momentum(0.1f, new MomentumRamp(0.5f, 0.9f, 2), false), 1f, 1f, 4);
        assertArrayEquals(new float[] {0.9f, 0.73f, 0.477f, 0.1493f}, p, 1e-6f);
    }

    @Test
    void nesterovFollowsTheRamp() {
        // p −= lr·(g + μ·v) after v = μ·v + g; p0 = 1, g = 1, lr = 0.1, μ = 0.5, 0.7, 0.9:
        // t=1: v = 1;     p = 1 − 0.1·(1 + 0.5·1)     = 1 − 0.15   = 0.85
        // t=2: v = 1.7;   p = 0.85 − 0.1·(1 + 0.7·1.7) = 0.85 − 0.219 = 0.631
        // t=3: v = 2.53;  p = 0.631 − 0.1·(1 + 0.9·2.53) = 0.631 − 0.3277 = 0.3033
        float[] p = run(Optimizer.momentum(0.1f, new MomentumRamp(0.5f, 0.9f, 2), true), 1f, 1f, 3);
        assertArrayEquals(new float[] {0.85f, 0.631f, 0.3033f}, p, 1e-6f);
    }

    @Test
    void rmspropUsesTheRecipesRhoAndEps() {
        // ρ = 0.9, ε = 0.1, lr = 0.01, p0 = 1, g = 2 (s = ρ·s + (1 − ρ)·g²; p −= lr·g/(√s + ε)):
        // t=1: s = 0.1·4 = 0.4;            √s = 0.6324555; p = 1 − 0.02/0.7324555 = 1 − 0.0273054 = 0.9726946
        // t=2: s = 0.9·0.4 + 0.4 = 0.76;   √s = 0.8717798; p = 0.9726946 − 0.02/0.9717798 = 0.9726946 − 0.0205808
        //                                                                                  = 0.9521138
        TrainingRecipe r = TrainingRecipe.defaults().withOptimizer("rmsprop", 0.01f).withTuning(0f, 0f, null, 0.9f, 0.1f);
        assertArrayEquals(new float[] {0.9726946f, 0.9521138f}, run(r.newOptimizer(), 1f, 2f, 2), 1e-6f);
    }

    @Test
    void adamUsesTheRecipesEps() {
        // lr = 0.1, p0 = 1, g = 1: m = 0.1, v = 0.001; m̂ = 0.1/(1 − 0.9) = 1, v̂ = 0.001/(1 − 0.999) = 1
        // ε = 0.5:  p = 1 − 0.1·1/(√1 + 0.5) = 1 − 0.0666667 = 0.9333333
        // ε = 1e-8: p = 1 − 0.1·1/(1 + 1e-8) = 0.9 (to float)
        TrainingRecipe adam = TrainingRecipe.defaults().withOptimizer("adam", 0.1f);
        assertArrayEquals(new float[] {0.9333333f}, run(adam.withTuning(0f, 0f, null, 0.99f, 0.5f).newOptimizer(), 1f, 1f, 1),
                1e-6f);
        assertArrayEquals(new float[] {0.9f}, run(adam.newOptimizer(), 1f, 1f, 1), 1e-6f);
        TrainingRecipe adamw = TrainingRecipe.defaults().withOptimizer("adamw", 0.1f);
        assertArrayEquals(new float[] {0.9333333f}, run(adamw.withTuning(0f, 0f, null, 0.99f, 0.5f).newOptimizer(), 1f, 1f, 1),
                1e-6f);
    }
}
