package org.backprop.cli;

import java.util.concurrent.Callable;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;
import picocli.CommandLine.Command;

/** Lists every backend: usable, or exactly why not. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the backends on this machine: usable, or the exact reason not.")
final class DevicesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (BackendProvider p : Backends.providers()) {
            System.out.printf("%-5s %s%n", p.name(), p.report().replace("\n", "\n      "));
        }
        return 0;
    }
}
