package org.backprop.cli;

import picocli.CommandLine.Option;

/** {@code train}'s Device and cluster options: {@code --backend} and {@code --threads}, and more. */
final class DeviceOptions extends BackendOption {

    @Option(names = "--fallback", paramLabel = "cpu",
            description = "If the device fails mid-run, continue on the CPU from the last epoch.")
    String fallback;

    @Option(names = "--no-cuda-graph",
            description = "Issue every op of every step instead of replaying CUDA graphs (to compare the two).")
    boolean noCudaGraph;

    @Option(names = {"--spark", "--master"}, paramLabel = "MASTER", arity = "0..1", fallbackValue = "",
            description = "Train data-parallel on Apache Spark: local[2], spark://host:7077, yarn, k8s://...;"
                    + " alone, spark-submit's master.")
    String spark;

    @Option(names = "--sync-every", paramLabel = "K", defaultValue = "1",
            description = "With --spark: 1 synchronous SGD; K > 1 local steps, then averaged (default: ${DEFAULT-VALUE}).")
    int syncEvery;
}
