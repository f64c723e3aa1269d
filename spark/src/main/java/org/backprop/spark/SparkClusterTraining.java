package org.backprop.spark;

import org.apache.spark.sql.SparkSession;
import org.backprop.cluster.ClusterJob;
import org.backprop.cluster.ClusterTraining;
import org.backprop.nn.EpochListener;
import org.backprop.nn.TrainResult;

/**
 * {@code backprop train --spark MASTER}: found by the command line through ServiceLoader, so the
 * command line never links against Spark. Starts a session on the given master (or joins the one
 * spark-submit configured), trains, and stops the session it started.
 */
public final class SparkClusterTraining implements ClusterTraining {

    /** Spark's own INFO lines drown the epoch lines; a user's log4j2 configuration still wins. */
    private static final String QUIET_LOGGING = "org/backprop/spark/log4j2-quiet.properties";

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public TrainResult fit(ClusterJob job, EpochListener listener) {
        if (job.master().isEmpty() && System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("--spark without a master URL needs one from spark-submit;"
                    + " outside it give one, e.g. --spark local[2] or --master spark://host:7077");
        }
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", QUIET_LOGGING);
        }
        boolean joined = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder builder = SparkSession.builder().appName("backprop train");
        if (!job.master().isEmpty()) {
            builder.master(job.master());
        }
        if (job.master().startsWith("local")) {
            // one process: nothing needs to listen beyond loopback, and no web UI
            builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            SparkTrainer trainer = new SparkTrainer(spark, job.model(), job.loss(), job.optimizer(), job.spec())
                    .withSyncEvery(job.syncEvery())
                    .withReport(System.out::println);
            TrainResult result = trainer.fit(job.train(), job.test(), job.options(), listener);
            SparkTrainer.RunStats s = trainer.lastRunStats();
            System.out.printf(java.util.Locale.ROOT, "spark: %d jobs for %d steps, executors computed on %s,"
                    + " %.1f ms per job outside compute%n", s.jobs(), s.steps(), s.executorBackends(),
                    1e3 * s.overheadPerJob());
            return result;
        } finally {
            if (!joined) {
                spark.stop();
            }
        }
    }
}
