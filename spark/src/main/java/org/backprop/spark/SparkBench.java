package org.backprop.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.data.MnistFetcher;
import org.backprop.nn.Activation;
import org.backprop.nn.EpochStats;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;

/**
 * Samples/s of single-process training against Spark's synchronous and local-SGD modes on 1 and 2
 * local executor threads, and the cost of one Spark step with no compute in it. Prints a Markdown
 * table with the load average before and after: run it on a quiet machine (scripts/spark-bench.sh).
 *
 * <p>Arguments: {@code [rows] [batch] [epochs] [hidden,hidden]} (default 20000 128 3 512,512), on
 * full MNIST from the cache when it is there, else the bundled sample. The first epoch of each run
 * is warm-up; the figure is the best of the others.
 */
public final class SparkBench {

    private SparkBench() { }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String hidden = args.length > 3 ? args[3] : "512,512";
        Path cache = MnistFetcher.defaultCacheDir();
        boolean full = Mnist.present(cache);
        Dataset.Split data = full ? Mnist.load(cache) : Mnist.sample();
        Dataset train = data.train().take(rows);
        Dataset test = data.test().take(1000);
        System.out.printf(Locale.ROOT, "# Spark data-parallel training, %d rows of %s, batch %d, 784-%s-10 ReLU, Adam%n",
                train.size(), full ? "MNIST" : "the bundled MNIST sample", batch, hidden.replace(',', '-'));
        System.out.println("load average before: " + loadavg());
        List<String> table = new ArrayList<>();
        table.add("| run | samples/s | Spark jobs | job time − compute, per job |");
        table.add("| --- | --- | --- | --- |");
        FitOptions fo = new FitOptions(batch, epochs, 42).withLrDecay(1f);
        try (Backend cpu = Backends.open("cpu", new BackendOptions(2))) {
            try (Model m = model(cpu, hidden); Optimizer o = Optimizer.adam(1e-3f)) {
                TrainResult r = new Trainer(m, Loss.CROSS_ENTROPY, o).fit(train, test, fo, null);
                table.add(String.format(Locale.ROOT, "| single process, CPU backend, 2 threads | %.0f | – | – |", best(r)));
            }
            for (String master : new String[] {"local[1]", "local[2]"}) {
                SparkSession spark = session(master);
                try {
                    int p = master.equals("local[1]") ? 1 : 2;
                    for (int k : new int[] {1, 8, 32}) {
                        if (p == 1 && k > 1) {
                            continue;
                        }
                        try (Model m = model(cpu, hidden); Optimizer o = Optimizer.adam(1e-3f)) {
                            SparkTrainer t = new SparkTrainer(spark, m, Loss.CROSS_ENTROPY, o, OptimizerSpec.adam(1e-3f))
                                    .withPartitions(p).withSyncEvery(k).withReport(line -> { });
                            TrainResult r = t.fit(train, test, fo, null);
                            SparkTrainer.RunStats s = t.lastRunStats();
                            table.add(String.format(Locale.ROOT, "| Spark %s, %d partition%s, %s | %.0f | %d | %.1f ms |",
                                    master, p, p == 1 ? "" : "s", k == 1 ? "synchronous" : "local SGD, sync every " + k,
                                    best(r), s.jobs(), 1e3 * s.overheadPerJob()));
                        }
                    }
                    try (Model m = model(cpu, hidden)) {
                        table.add(String.format(Locale.ROOT,
                                "| Spark %s: empty step (broadcast %d parameters, treeAggregate them back) | – | 50 | %.1f ms |",
                                master, m.parameterCount(), 1e3 * emptyStep(spark, (int) m.parameterCount(), p, 50)));
                    }
                } finally {
                    spark.stop();
                }
            }
        }
        table.forEach(System.out::println);
        System.out.println("load average after: " + loadavg());
    }

    private static Model model(Backend b, String hidden) {
        Model.Builder mb = Model.builder(784);
        for (String h : hidden.split(",")) {
            mb.dense(Integer.parseInt(h.trim()), Activation.RELU);
        }
        return mb.dense(10, Activation.SOFTMAX).init(Init.AUTO).seed(42).build(b);
    }

    private static SparkSession session(String master) {
        return SparkSession.builder().master(master).appName("backprop spark bench")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
    }

    private static double best(TrainResult r) {
        double best = 0;
        List<EpochStats> e = r.epochs();
        for (int i = e.size() > 1 ? 1 : 0; i < e.size(); i++) {
            best = Math.max(best, e.get(i).samplesPerSecond());
        }
        return best;
    }

    /** Mean seconds of a Spark step that moves the parameters both ways and computes nothing. */
    private static double emptyStep(SparkSession spark, int parameters, int partitions, int steps) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            ids.add(i);
        }
        JavaRDD<Integer> rdd = jsc.parallelize(ids, partitions).cache();
        rdd.count();
        float[] params = new float[parameters];
        long total = 0;
        for (int s = -5; s < steps; s++) {
            long t0 = System.nanoTime();
            Broadcast<float[]> bc = jsc.broadcast(params);
            Partial p = rdd.treeAggregate(new Partial(), (acc, i) -> {
                Partial out = new Partial();
                out.values = bc.value().clone();
                return acc.add(out);
            }, Partial::add, 2);
            bc.destroy();
            if (p.values.length != parameters) {
                throw new IllegalStateException("empty step lost values");
            }
            if (s >= 0) {
                total += System.nanoTime() - t0;
            }
        }
        rdd.unpersist(false);
        return total / 1e9 / steps;
    }

    private static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
