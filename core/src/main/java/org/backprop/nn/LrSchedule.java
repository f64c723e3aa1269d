package org.backprop.nn;

import java.util.Locale;

/**
 * The learning rate of each epoch, a pure function of the epoch (so a resumed run continues the
 * same schedule), PyTorch's schedulers stepped once per epoch after an optional linear warm-up:
 * <ul>
 *   <li>{@code constant}: lr;</li>
 *   <li>{@code exponential}: lr·γ^(e − 1) (ExponentialLR);</li>
 *   <li>{@code step}: lr·γ^⌊(e − 1)/stepSize⌋ (StepLR);</li>
 *   <li>{@code cosine}: lr·(1 + cos(π·(e − 1)/E))/2 over the E epochs after the warm-up
 *       (CosineAnnealingLR to 0);</li>
 * </ul>
 * where e counts from 1 after the warm-up. Warm-up epoch w of W trains at lr·w/(W + 1), so the
 * rate rises in equal steps to the full rate on the first epoch after it.
 *
 * @param kind     constant, exponential, step or cosine
 * @param gamma    the factor of exponential and step
 * @param stepSize epochs between step decays
 * @param warmup   warm-up epochs (0: none)
 */
public record LrSchedule(String kind, float gamma, int stepSize, int warmup) implements java.io.Serializable {

    public LrSchedule {
        kind = kind.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("constant") && !kind.equals("exponential") && !kind.equals("step") && !kind.equals("cosine")) {
            throw new IllegalArgumentException("unknown learning-rate schedule '" + kind
                    + "': expected constant, exponential, step or cosine");
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + gamma);
        }
        if (stepSize < 1) {
            throw new IllegalArgumentException("learning-rate step size must be at least 1 epoch, got " + stepSize);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must be 0 or more epochs, got " + warmup);
        }
    }

    public static LrSchedule constant() {
        return new LrSchedule("constant", 1f, 1, 0);
    }

    /** Annealed to 0 over the run's epochs: {@code backprop train}'s default. */
    public static LrSchedule cosine() {
        return new LrSchedule("cosine", 1f, 1, 0);
    }

    /** lr·γ^(epoch − 1). */
    public static LrSchedule exponential(float gamma) {
        return new LrSchedule("exponential", gamma, 1, 0);
    }

    public LrSchedule withWarmup(int epochs) {
        return new LrSchedule(kind, gamma, stepSize, epochs);
    }

    /** The rate for {@code epoch} (1-based) of a run of {@code epochs} epochs that starts at {@code base}. */
    public float rate(float base, int epoch, int epochs) {
        if (epoch <= warmup) {
            return base * epoch / (warmup + 1);
        }
        int e = epoch - warmup;
        int total = Math.max(1, epochs - warmup);
        double f = switch (kind) {
            case "constant" -> 1;
            case "exponential" -> Math.pow(gamma, e - 1);
            case "step" -> Math.pow(gamma, (e - 1) / stepSize);
            case "cosine" -> 0.5 * (1 + Math.cos(Math.PI * (e - 1) / total));
            default -> throw new AssertionError(kind);
        };
        return (float) (base * f);
    }

    /** True when the rate changes after the first epoch. */
    public boolean decays() {
        return warmup > 0 || kind.equals("cosine") || (!kind.equals("constant") && gamma < 1);
    }

    /** "exponential x0.8/epoch", "cosine", "step x0.1 every 5 epochs", "+ 2 warm-up epochs". */
    public String describe() {
        String s = switch (kind) {
            case "constant" -> "constant";
            case "exponential" -> gamma == 1f ? "constant" : "decayed x" + gamma + " per epoch";
            case "step" -> "decayed x" + gamma + " every " + stepSize + " epoch" + (stepSize == 1 ? "" : "s");
            default -> "cosine-annealed to 0";
        };
        return warmup > 0 ? s + " after " + warmup + " warm-up epoch" + (warmup == 1 ? "" : "s") : s;
    }
}
