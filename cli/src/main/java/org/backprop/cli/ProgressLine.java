package org.backprop.cli;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.backprop.nn.BatchListener;

/** The terminal progress bar of {@code train}: one bar per epoch, drawn from the trainer's batch reports. */
final class ProgressLine implements BatchListener, AutoCloseable {

    private ProgressBar bar;
    private int epoch;
    private long t0;

    @Override
    public void onBatch(int epoch, int batch, int batches, int samples, double meanLoss) {
        if (bar == null || epoch != this.epoch) {
            close();
            this.epoch = epoch;
            t0 = System.nanoTime();
            bar = new ProgressBarBuilder()
                    .setTaskName("epoch " + epoch)
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" batches", 1)
                    .setUpdateIntervalMillis(250)
                    .setMaxRenderedLength(110)
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
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
