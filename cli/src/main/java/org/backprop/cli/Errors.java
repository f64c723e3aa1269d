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

    /**
     * An error's first line: a message that carries another process's stack trace (a Spark task's)
     * is cut there, and says where the rest is.
     */
    static String firstLine(String msg, boolean verbose) {
        int nl = msg.indexOf('\n');
        if (nl < 0) {
            return msg;
        }
        return msg.substring(0, nl).strip() + (verbose ? "" : " (the rest with --verbose)");
    }
}
