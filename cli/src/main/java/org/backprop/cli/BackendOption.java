package org.backprop.cli;

import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --threads}, shared by every command that computes. */
class BackendOption {

    @Option(names = "--backend", paramLabel = "cpu|cuda|auto",
            description = "Where to compute (default: ${sys:backprop.backend:-${env:BACKPROP_BACKEND:-auto}}): "
                    + "auto picks CUDA when it works, else the CPU.")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads (default: one per available processor).")
    Integer threads;

    Backend open() {
        if (threads != null && (threads < 1 || threads > 4096)) {
            throw new IllegalArgumentException("--threads must be between 1 and 4096, got " + threads);
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads != null && threads > processors) {
            // more threads than processors only adds switching: 4096 on 2 cores ran 1400x slower
            System.err.println("backprop: --threads " + threads + " is more than the " + processors
                    + " processors available; using " + processors);
            threads = processors;
        }
        BackendOptions options = new BackendOptions(threads == null ? 0 : threads);
        return Backends.open(backend == null ? Backends.configuredName() : backend, options);
    }
}
