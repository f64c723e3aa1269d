package org.backprop.nn;

/** Called after each epoch (after evaluation); the place to print, plot or checkpoint. */
@FunctionalInterface
public interface EpochListener {
    void onEpoch(EpochStats stats);
}
