package org.backprop.nn;

/**
 * A request to stop training at the next batch boundary, from any thread (a signal handler, a
 * UI): {@link Trainer#fit} polls it after every batch, finishes that batch, and returns with
 * {@link TrainResult#interrupted()} saying where it stopped, so the caller can save a checkpoint
 * that {@link FitOptions#withStartBatch} resumes exactly.
 */
public final class StopRequest {

    private volatile boolean requested;

    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }
}
