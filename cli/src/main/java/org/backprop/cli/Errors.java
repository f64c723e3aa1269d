package org.backprop.cli;

import java.io.IOException;
import org.backprop.core.BackendUnavailableException;

/** Which failures are the user's input (exit 2) rather than the run's (exit 1). */
final class Errors {

    private Errors() { }

    static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException
                || e instanceof BackendUnavailableException
                || e instanceof IOException
                || e instanceof java.io.UncheckedIOException
                || e.getClass().getName().startsWith("org.backprop.data.")
                || e.getClass().getName().startsWith("org.backprop.io.");
    }
}
