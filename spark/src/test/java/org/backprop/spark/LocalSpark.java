package org.backprop.spark;

import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.backprop.data.Dataset;

/** One Spark session for every test in the JVM (starting one costs seconds), and small datasets. */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() { }

    /**
     * Local mode with two task threads, as {@code local[2]}; the second number lets a failed task
     * be retried once (plain {@code local[N]} never retries), which the retry tests need.
     */
    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,2]").appName("backprop-tests")
                    .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
    }

    /**
     * n rows of {@code features} values in [-1, 1], labelled by which of {@code classes} random
     * centres is nearest, with 10 % of the labels flipped: learnable but not trivially.
     */
    static Dataset clusters(int n, int features, int classes, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[classes][features];
        for (float[] c : centres) {
            for (int j = 0; j < features; j++) {
                c[j] = 2 * r.nextFloat() - 1;
            }
        }
        float[] x = new float[n * features];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int j = 0; j < features; j++) {
                x[i * features + j] = 2 * r.nextFloat() - 1;
            }
            for (int c = 0; c < classes; c++) {
                double d = 0;
                for (int j = 0; j < features; j++) {
                    double t = x[i * features + j] - centres[c][j];
                    d += t * t;
                }
                if (d < bestD) {
                    bestD = d;
                    best = c;
                }
            }
            y[i] = r.nextDouble() < 0.1 ? r.nextInt(classes) : best;
        }
        return new Dataset("clusters", x, y, features, classes);
    }
}
