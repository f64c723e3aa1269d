package org.backprop.spark;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The replicas living in this JVM (an executor, or the driver in local mode), one per run and
 * partition, so that a partition's rows stay on its device from step to step.
 */
final class Replicas {

    private static final ConcurrentHashMap<String, CoreBridge.Replica> LIVE = new ConcurrentHashMap<>();

    private Replicas() { }

    /** The replica for (run, partition) holding {@code block}, made by {@code make} if there is none yet. */
    static CoreBridge.Replica get(String run, int partition, Block block, Supplier<CoreBridge.Replica> make) {
        String key = run + "/" + partition;
        CoreBridge.Replica r = LIVE.get(key);
        if (r != null && (r.first != block.first || r.rows != block.rows())) {
            release(run, partition);
            r = null;
        }
        return r != null ? r : LIVE.computeIfAbsent(key, k -> make.get());
    }

    static void release(String run, int partition) {
        CoreBridge.Replica r = LIVE.remove(run + "/" + partition);
        if (r != null) {
            synchronized (r) {
                r.close();
            }
        }
    }

    /** Closes every replica of {@code run} in this JVM. */
    static void releaseRun(String run) {
        for (String key : LIVE.keySet()) {
            if (key.startsWith(run + "/")) {
                release(run, Integer.parseInt(key.substring(run.length() + 1)));
            }
        }
    }

    static int count() {
        return LIVE.size();
    }
}
