package org.backprop.core;

/**
 * Settings a backend is opened with. {@code threads} ≤ 0 means one per available processor.
 */
public record BackendOptions(int threads) {

    public static BackendOptions defaults() {
        return new BackendOptions(0);
    }

    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
