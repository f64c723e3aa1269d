package org.backprop.cli;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.backprop.nn.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during training: the first SIGINT asks the trainer to stop after the batch it is
 * running (it then saves a checkpoint and says how to resume); a second one exits at once with
 * 130, as a shell expects of an interrupted program. The JVM's own handler would exit at the
 * first, losing the run. A process started with SIGINT ignored (nohup, a background job) keeps it
 * ignored.
 */
final class Interrupts implements AutoCloseable {

    /** The exit status of a process ended by SIGINT (128 + 2). */
    static final int EXIT = 130;

    private static final Signal INT = new Signal("INT");

    private final StopRequest stop;
    private final Runnable beforeExit;
    private final IntConsumer exit;
    private final AtomicInteger signals = new AtomicInteger();
    private SignalHandler previous;

    Interrupts(StopRequest stop, Runnable beforeExit, IntConsumer exit) {
        this.stop = stop;
        this.beforeExit = beforeExit;
        this.exit = exit;
    }

    /** Handles SIGINT until closed; {@code beforeExit} runs before a second Ctrl-C ends the process. */
    static Interrupts install(StopRequest stop, Runnable beforeExit) {
        Interrupts i = new Interrupts(stop, beforeExit, System::exit);
        try {
            SignalHandler old = Signal.handle(INT, sig -> i.onSignal());
            if (old == SignalHandler.SIG_IGN) {
                Signal.handle(INT, SignalHandler.SIG_IGN);
            } else {
                i.previous = old;
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // the JVM reserves SIGINT (-Xrs): Ctrl-C keeps its usual meaning
        }
        return i;
    }

    /** One SIGINT: the first requests the stop, the second ends the process. */
    void onSignal() {
        if (signals.incrementAndGet() == 1) {
            stop.request();
            System.err.println();
            System.err.println("backprop: interrupted: finishing this batch, then saving a checkpoint"
                    + " (Ctrl-C again quits at once)");
            System.err.flush();
        } else {
            try {
                beforeExit.run();
            } finally {
                System.err.println("backprop: interrupted again: quitting without a checkpoint");
                System.err.flush();
                exit.accept(EXIT);
            }
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(INT, previous);
            previous = null;
        }
    }
}
