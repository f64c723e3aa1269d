package org.backprop.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.backprop.nn.BatchListener;

/**
 * The terminal progress bar of {@code train}: one bar per epoch, drawn from the trainer's batch
 * reports, never wider than the terminal (a wider line wraps and scrolls on every redraw), and
 * cleared when the epoch ends or the run is interrupted.
 */
final class ProgressLine implements BatchListener, AutoCloseable {

    private final PrintStream out;
    private final IntSupplier width;
    private ProgressBar bar;
    private int epoch;
    private long t0;

    ProgressLine() {
        this(System.err, Terminal::width);
    }

    /** Draws on {@code out}, {@code width} columns wide, asked again at every epoch (a window can be resized). */
    ProgressLine(PrintStream out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    @Override
    public synchronized void onBatch(int epoch, int batch, int batches, int samples, double meanLoss) {
        if (bar == null || epoch != this.epoch) {
            close();
            this.epoch = epoch;
            t0 = System.nanoTime();
            // our own consumer with a fixed length: progressbar would otherwise open a JLine system
            // terminal per bar, which takes SIGINT over from the Ctrl-C handler while it is open
            bar = new ProgressBarBuilder()
                    .setTaskName("epoch " + epoch)
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" batches", 1)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(out, Math.max(10, width.getAsInt() - 1)))
                    .clearDisplayOnFinish()
                    .build();
        }
        double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        bar.stepTo(batch);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.0f samples/s", meanLoss, samples / secs));
        if (batch == batches) {
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
