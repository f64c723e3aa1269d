package org.backprop.nn;

/**
 * How {@link Trainer#fit} runs: batch size, epochs, the seed of the per-epoch shuffle, the epoch to
 * resume after, whether to draw a progress bar, gradient-norm clipping (0 = off), and how often
 * (in batches) the running loss is read back to check it is finite, whether to build a confusion
 * matrix, the per-epoch learning-rate decay factor, and whether a backend that can record a
 * training step (CUDA graphs) may replay it instead of issuing every op each step.
 */
public record FitOptions(int batch, int epochs, long seed, int startEpoch, boolean progress,
                         float clipNorm, int checkEvery, boolean confusion, float lrDecay, boolean recordSteps) {

    public FitOptions {
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (startEpoch < 0 || startEpoch > epochs) {
            throw new IllegalArgumentException("start epoch " + startEpoch + " is outside 0.." + epochs);
        }
        if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("gradient clipping norm must be >= 0, got " + clipNorm);
        }
        if (!(lrDecay > 0 && lrDecay <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + lrDecay);
        }
        if (checkEvery < 1) {
            throw new IllegalArgumentException("check interval must be at least 1 batch, got " + checkEvery);
        }
    }

    public FitOptions(int batch, int epochs, long seed, int startEpoch, boolean progress,
                      float clipNorm, int checkEvery, boolean confusion, float lrDecay) {
        this(batch, epochs, seed, startEpoch, progress, clipNorm, checkEvery, confusion, lrDecay, true);
    }

    public FitOptions(int batch, int epochs, long seed) {
        this(batch, epochs, seed, 0, false, 0f, 10, false, 1f, true);
    }

    /** false: issue every op every step even where the backend could replay a recorded step. */
    public FitOptions withRecordSteps(boolean r) {
        return new FitOptions(batch, epochs, seed, startEpoch, progress, clipNorm, checkEvery, confusion, lrDecay, r);
    }

    public FitOptions withStartEpoch(int e) {
        return new FitOptions(batch, epochs, seed, e, progress, clipNorm, checkEvery, confusion, lrDecay, recordSteps);
    }

    public FitOptions withProgress(boolean p) {
        return new FitOptions(batch, epochs, seed, startEpoch, p, clipNorm, checkEvery, confusion, lrDecay, recordSteps);
    }

    public FitOptions withClipNorm(float c) {
        return new FitOptions(batch, epochs, seed, startEpoch, progress, c, checkEvery, confusion, lrDecay, recordSteps);
    }

    public FitOptions withCheckEvery(int c) {
        return new FitOptions(batch, epochs, seed, startEpoch, progress, clipNorm, c, confusion, lrDecay, recordSteps);
    }

    /** Multiply the learning rate by this after every epoch (1 = constant). */
    public FitOptions withLrDecay(float g) {
        return new FitOptions(batch, epochs, seed, startEpoch, progress, clipNorm, checkEvery, confusion, g, recordSteps);
    }

    public FitOptions withConfusion(boolean c) {
        return new FitOptions(batch, epochs, seed, startEpoch, progress, clipNorm, checkEvery, c, lrDecay, recordSteps);
    }
}
