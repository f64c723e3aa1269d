package org.backprop.nn;

/**
 * How {@link Trainer#fit} runs: batch size, epochs, the seed of the per-epoch shuffle and of
 * dropout, the epoch to resume after, gradient-norm clipping (0 = off), how often (in batches) the
 * running loss is read back to check it is finite, whether to build a confusion matrix, the
 * learning-rate schedule, and early stopping: stop when the monitored loss has not improved for
 * {@code patience} epochs and restore the best epoch's parameters (0 = off); and whether a backend
 * that can record a training step (CUDA graphs) may replay it instead of issuing every op each step;
 * and {@code startBatch}, the batches of epoch {@code startEpoch + 1} already done by a run that
 * was interrupted mid-epoch (0 for a run that starts at an epoch boundary).
 */
public record FitOptions(int batch, int epochs, long seed, int startEpoch,
                         float clipNorm, int checkEvery, boolean confusion, LrSchedule schedule, int patience,
                         boolean recordSteps, int startBatch) {

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
        if (checkEvery < 1) {
            throw new IllegalArgumentException("check interval must be at least 1 batch, got " + checkEvery);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("a learning-rate schedule is required (LrSchedule.constant() for none)");
        }
        if (startBatch < 0 || (startBatch > 0 && startEpoch >= epochs)) {
            throw new IllegalArgumentException("start batch " + startBatch + " of epoch " + (startEpoch + 1)
                    + " is outside the run's " + epochs + " epochs");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("early-stopping patience must be 0 (off) or more epochs, got " + patience);
        }
    }

    /** A constant learning rate, no clipping, no early stopping. */
    public FitOptions(int batch, int epochs, long seed) {
        this(batch, epochs, seed, 0, 0f, 10, false, LrSchedule.constant(), 0, true, 0);
    }

    public FitOptions withStartEpoch(int e) {
        return new FitOptions(batch, epochs, seed, e, clipNorm, checkEvery, confusion, schedule, patience, recordSteps, startBatch);
    }

    public FitOptions withClipNorm(float c) {
        return new FitOptions(batch, epochs, seed, startEpoch, c, checkEvery, confusion, schedule, patience, recordSteps, startBatch);
    }

    public FitOptions withCheckEvery(int c) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, c, confusion, schedule, patience, recordSteps, startBatch);
    }

    /** Multiply the learning rate by this after every epoch (1 = constant): an exponential schedule. */
    public FitOptions withLrDecay(float g) {
        return withSchedule(LrSchedule.exponential(g));
    }

    public FitOptions withSchedule(LrSchedule s) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, checkEvery, confusion, s, patience, recordSteps, startBatch);
    }

    public FitOptions withConfusion(boolean c) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, checkEvery, c, schedule, patience, recordSteps, startBatch);
    }

    /** Stop after {@code p} epochs without a lower monitored loss, keeping the best epoch (0 = off). */
    public FitOptions withEarlyStopping(int p) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, checkEvery, confusion, schedule, p, recordSteps, startBatch);
    }

    /** false: issue every op every step even where the backend could replay a recorded step. */
    public FitOptions withRecordSteps(boolean r) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, checkEvery, confusion, schedule, patience, r, startBatch);
    }

    /** Resume inside epoch {@code startEpoch + 1}, after its first {@code b} batches (same batch size and seed). */
    public FitOptions withStartBatch(int b) {
        return new FitOptions(batch, epochs, seed, startEpoch, clipNorm, checkEvery, confusion, schedule, patience,
                recordSteps, b);
    }
}
