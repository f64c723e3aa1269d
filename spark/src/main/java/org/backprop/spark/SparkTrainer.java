package org.backprop.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.backprop.data.Dataset;
import org.backprop.nn.EpochListener;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Evaluation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.TrainResult;
import org.backprop.nn.TrainingDivergedException;
import scala.Tuple2;

/**
 * Data-parallel training on Apache Spark, the counterpart of {@code Trainer} for a cluster:
 *
 * <pre>{@code
 * SparkTrainer trainer = new SparkTrainer(spark, model, Loss.CROSS_ENTROPY, adam, OptimizerSpec.adam(1e-3f));
 * TrainResult r = trainer.fit(rows, "features", "label", test, new FitOptions(128, 10, 42), s -> System.out.println(s.line()));
 * }</pre>
 *
 * <p>The training rows are cached as one block per partition, each block resident on its
 * executor's device. The parameters and optimiser state live on the driver, in {@code model} and
 * {@code optimizer}: a step is applied only after every partition has answered, so a task that
 * fails and is retried by Spark recomputes from the same broadcast parameters and the run is
 * unchanged.
 *
 * <p>With {@code syncEvery} 1 (synchronous SGD) every global minibatch is one Spark job: the
 * parameters are broadcast, each partition computes the gradient sum over its share of the batch,
 * {@code treeAggregate} adds them up, and the driver divides by the batch size and steps the
 * optimiser — the same algorithm, batches and order as single-process training, only summed in
 * another order. With {@code syncEvery} K &gt; 1 (local SGD) each partition takes K steps on its
 * shares of K consecutive batches with its own optimiser, then parameters and optimiser state are
 * averaged, weighted by the rows each partition used: one job per K batches.
 */
public final class SparkTrainer {

    private static final Logger LOG = Logger.getLogger(SparkTrainer.class.getName());
    /** Bytes per piece when a host dataset is distributed: under the task size Spark warns about. */
    private static final int PIECE_BYTES = 768 << 10;

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final OptimizerSpec spec;
    private int syncEvery = 1;
    private int partitions;
    private Fault fault;
    private RunStats stats;
    private java.util.function.Consumer<String> report = line -> LOG.info(line);

    /**
     * @param model     the driver's model: its parameters start the run and hold the result
     * @param optimizer the driver's optimiser (its state is resumed from and checkpointed)
     * @param spec      the same optimiser as a value, for executors to rebuild
     */
    public SparkTrainer(SparkSession spark, Model model, Loss loss, Optimizer optimizer, OptimizerSpec spec) {
        if (!spec.name().equals(optimizer.name())) {
            throw new IllegalArgumentException("optimizer spec " + spec.name() + " does not describe the "
                    + optimizer.name() + " optimiser");
        }
        CoreBridge.checkLoss(model, loss, optimizer);
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.spec = spec;
    }

    /** 1: synchronous SGD (default); K &gt; 1: K local steps per partition between averages. */
    public SparkTrainer withSyncEvery(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("sync-every must be at least 1 step, got " + k);
        }
        this.syncEvery = k;
        return this;
    }

    /** How many partitions a host dataset is split into (default: Spark's default parallelism). */
    public SparkTrainer withPartitions(int p) {
        if (p < 0) {
            throw new IllegalArgumentException("partitions must be positive (or 0 for the default), got " + p);
        }
        this.partitions = p;
        return this;
    }

    /** Where the line saying how the run is spread (master, partitions, mode) goes; the log by default. */
    public SparkTrainer withReport(java.util.function.Consumer<String> out) {
        this.report = out;
        return this;
    }

    /** Makes the first attempt of one task fail after it has computed (for tests of Spark's retry). */
    SparkTrainer failOnce(int epoch, int batch, int partition) {
        this.fault = new Fault(epoch, batch, partition);
        return this;
    }

    /** Counters of the last {@code fit}: Spark jobs, their wall time and the slowest partition's compute time. */
    public RunStats lastRunStats() {
        return stats;
    }

    /** Spark jobs run, steps taken, wall seconds inside jobs, and the summed slowest-partition compute seconds. */
    public record RunStats(int jobs, int steps, double jobSeconds, double computeSeconds, String executorBackends) {
        /** Seconds per job not spent computing: scheduling, broadcast, serialisation, aggregation. */
        public double overheadPerJob() {
            return jobs == 0 ? 0 : (jobSeconds - computeSeconds) / jobs;
        }
    }

    /** Trains on a host dataset, split into contiguous blocks of rows, one per partition. */
    public TrainResult fit(Dataset train, Dataset test, FitOptions options, EpochListener listener) {
        if (train.size() < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        checkShape(train.featureCount(), train.classes(), "training");
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();
        p = Math.max(1, Math.min(p, train.size()));
        return fit(distribute(train, p), test, options, listener);
    }

    /**
     * Trains on rows of a Spark dataset: {@code featuresCol} an array of floats or doubles with one
     * entry per model input, {@code labelCol} an integer class in 0..classes-1. The row order within
     * and across its partitions is the order the epoch shuffle permutes.
     */
    public TrainResult fit(org.apache.spark.sql.Dataset<Row> train, String featuresCol, String labelCol,
                           Dataset test, FitOptions options, EpochListener listener) {
        org.apache.spark.sql.Dataset<Row> rows = partitions > 0 ? train.repartition(partitions) : train;
        int classes = model.outputs() == 1 ? 2 : model.outputs();
        JavaRDD<Block> blocks = RowBlocks.of(rows, featuresCol, labelCol, model.inputs(), classes);
        return fit(blocks, test, options, listener);
    }

    private void checkShape(int features, int classes, String what) {
        if (features != model.inputs()) {
            throw new IllegalArgumentException("the " + what + " set has " + features
                    + " features per sample but the model takes " + model.inputs());
        }
        int outputs = model.outputs();
        if (outputs == 1 ? classes > 2 : classes != outputs) {
            throw new IllegalArgumentException("the " + what + " set has " + classes + " classes but the model has "
                    + outputs + " output" + (outputs == 1 ? " (binary only)" : "s"));
        }
    }

    private TrainResult fit(JavaRDD<Block> blocks, Dataset test, FitOptions options, EpochListener listener) {
        if (test != null) {
            checkShape(test.featureCount(), test.classes(), "test");
        }
        blocks = blocks.persist(StorageLevel.MEMORY_ONLY());
        String run = UUID.randomUUID().toString();
        try {
            return train(run, blocks, test, options, listener);
        } catch (SparkException e) {
            throw SparkErrors.ofJob(e);
        } finally {
            if (Replicas.count() > 0 || !jsc.master().startsWith("local")) {
                try {
                    blocks.foreachPartition(it -> Replicas.release(run, TaskContext.getPartitionId()));
                } catch (Exception ignored) {
                    // best effort: executors drop their replicas when the application ends anyway
                }
            }
            Replicas.releaseRun(run);
            blocks.unpersist(false);
        }
    }

    private TrainResult train(String run, JavaRDD<Block> blocks, Dataset test, FitOptions options,
                              EpochListener listener) throws SparkException {
        List<long[]> layout = new ArrayList<>(blocks.map(b -> new long[] {b.first, b.rows(), b.featureCount}).collect());
        layout.sort(Comparator.comparingLong(a -> a[0]));
        long total = 0;
        for (long[] l : layout) {
            if (l[0] != total) {
                throw new IllegalStateException("partition rows are not consecutive: expected row " + total
                        + ", a partition starts at " + l[0]);
            }
            if (l[2] != model.inputs()) {
                throw new IllegalArgumentException("the training rows have " + l[2] + " features but the model takes "
                        + model.inputs());
            }
            total += l[1];
        }
        if (total < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the training set has " + total + " rows; at most 2^31 are supported");
        }
        int n = (int) total;
        int batch = Math.min(options.batch(), n);
        int batches = (n + batch - 1) / batch;
        CoreBridge.Architecture arch = CoreBridge.Architecture.of(model);
        report.accept(String.format(Locale.ROOT, "spark: master %s, %d partition%s of %d rows, %s",
                jsc.master(), layout.size(), layout.size() == 1 ? "" : "s", n, syncEvery == 1
                        ? "synchronous SGD (one treeAggregate per batch)"
                        : "local SGD, parameters averaged every " + syncEvery + " batches"));
        Job job = new Job(run, arch, loss, spec, options.seed(), n, batch, options.clipNorm(),
                options.schedule(), options.epochs(), fault);
        List<EpochStats> history = new ArrayList<>();
        int jobs = 0;
        int steps = 0;
        long jobNanos = 0;
        long computeNanos = 0;
        String backends = null;
        for (int epoch = options.startEpoch() + 1; epoch <= options.epochs(); epoch++) {
            CoreBridge.schedule(optimizer, options.schedule(), epoch, options.epochs());
            double lossSum = 0;
            double correct = 0;
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; ) {
                int k = Math.min(syncEvery, batches - b);
                int rows = Math.min(n, (b + k) * batch) - b * batch;
                long j0 = System.nanoTime();
                Partial p = syncEvery == 1 ? syncStep(job, blocks, epoch, b) : localRound(job, blocks, epoch, b, k);
                jobNanos += System.nanoTime() - j0;
                computeNanos += p.computeNanos;
                jobs++;
                steps += k;
                if (p.backend != null && backends == null) {
                    backends = p.backend;
                }
                if (p.rows != rows) {
                    throw new IllegalStateException("batches " + (b + 1) + ".." + (b + k) + " have " + rows
                            + " rows but the partitions used " + p.rows);
                }
                lossSum += p.loss;
                correct += p.correct;
                if (!Double.isFinite(lossSum)) {
                    throw new TrainingDivergedException(epoch, String.format(Locale.ROOT,
                            "training loss became %s in epoch %d, in batches %d to %d of %d"
                                    + " (try a lower learning rate or --clip-norm)",
                            lossSum, epoch, b + 1, b + k, batches));
                }
                b += k;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            checkParameters(epoch);
            Evaluation e = test == null ? null : CoreBridge.evaluate(model, loss, optimizer, test);
            EpochStats s = new EpochStats(epoch, options.epochs(), lossSum / n, correct / n,
                    e == null ? Double.NaN : e.loss(), e == null ? Double.NaN : e.accuracy(), seconds, n / seconds,
                    options.confusion() ? e : null, "test", optimizer.learningRate(), false);
            history.add(s);
            stats = new RunStats(jobs, steps, jobNanos / 1e9, computeNanos / 1e9, backends);
            if (listener != null) {
                listener.onEpoch(s);
            }
        }
        return new TrainResult(history);
    }

    private Partial syncStep(Job job, JavaRDD<Block> blocks, int epoch, int b) {
        Broadcast<float[]> params = jsc.broadcast(CoreBridge.parameters(model));
        try {
            Partial p = blocks.treeAggregate(new Partial(), new GradientTask(job, params, epoch, b), Partial::add, 2);
            if (p.values == null) {
                throw new IllegalStateException("no partition answered for batch " + (b + 1));
            }
            CoreBridge.applyGradientSum(model, optimizer, p.values, (int) p.rows, job.clipNorm);
            return p;
        } finally {
            params.destroy();
        }
    }

    private Partial localRound(Job job, JavaRDD<Block> blocks, int epoch, int b, int k) {
        int before = CoreBridge.optimizerSteps(optimizer);
        RoundStart start = new RoundStart(CoreBridge.parameters(model), CoreBridge.optimizerState(optimizer), before);
        Broadcast<RoundStart> bc = jsc.broadcast(start);
        try {
            Partial p = blocks.treeAggregate(new Partial(), new RoundTask(job, bc, epoch, b, k), Partial::add, 2);
            if (p.values == null || p.weight <= 0) {
                throw new IllegalStateException("no partition answered for batches " + (b + 1) + ".." + (b + k));
            }
            float inv = (float) (1 / p.weight);
            for (int i = 0; i < p.values.length; i++) {
                p.values[i] *= inv;
            }
            CoreBridge.setParameters(model, p.values);
            Map<String, float[]> state = new LinkedHashMap<>();
            if (p.state != null) {
                int at = 0;
                for (int i = 0; i < p.stateKeys.length; i++) {
                    float[] a = new float[p.stateLengths[i]];
                    for (int j = 0; j < a.length; j++) {
                        a[j] = p.state[at + j] * inv;
                    }
                    state.put(p.stateKeys[i], a);
                    at += a.length;
                }
            }
            CoreBridge.setOptimizerState(model, optimizer, state, before + k);
            return p;
        } finally {
            bc.destroy();
        }
    }

    private void checkParameters(int epoch) {
        double ss = 0;
        for (float v : CoreBridge.parameters(model)) {
            ss += (double) v * v;
        }
        if (!Double.isFinite(ss)) {
            throw new TrainingDivergedException(epoch, "parameters stopped being finite in epoch " + epoch
                    + " (sum of squares " + ss + "); try a lower learning rate or --clip-norm");
        }
    }

    /** The host dataset as cached blocks: pieces of a few MiB shuffled into contiguous ranges, one per partition. */
    private JavaRDD<Block> distribute(Dataset d, int p) {
        int f = d.featureCount();
        int perPartition = (d.size() + p - 1) / p;
        int pieceRows = Math.max(1, Math.min(perPartition, PIECE_BYTES / (4 * f)));
        List<Tuple2<Integer, Block>> pieces = new ArrayList<>();
        for (int start = 0, i = 0; start < d.size(); start += pieceRows, i++) {
            int rows = Math.min(pieceRows, d.size() - start);
            float[] x = new float[rows * f];
            System.arraycopy(d.features(), start * f, x, 0, x.length);
            int[] y = new int[rows];
            System.arraycopy(d.labels(), start, y, 0, rows);
            pieces.add(new Tuple2<>(start / perPartition, new Block(start, x, y, f, d.classes())));
        }
        return jsc.parallelizePairs(pieces, pieces.size())
                .partitionBy(new ByIndex(p))
                .values()
                .mapPartitions(SparkTrainer::concat);
    }

    private static Iterator<Block> concat(Iterator<Block> it) {
        List<Block> parts = new ArrayList<>();
        it.forEachRemaining(parts::add);
        return parts.isEmpty() ? java.util.Collections.emptyIterator() : List.of(Block.concat(parts)).iterator();
    }

    /** A failed Spark job as the error its task hit, so a bad row reads as one line naming the row. */
    /** Sends piece i to partition key. */
    private static final class ByIndex extends Partitioner {
        private final int n;

        ByIndex(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }
    }

    /** What every task of a run needs besides the step: shipped in each task's closure, all small. */
    record Job(String run, CoreBridge.Architecture arch, Loss loss, OptimizerSpec spec, long seed, int rows,
               int batch, float clipNorm, org.backprop.nn.LrSchedule schedule, int epochs, Fault fault) implements Serializable {

        CoreBridge.Replica replica(Block block) {
            TaskContext tc = TaskContext.get();
            int partition = tc == null ? 0 : tc.partitionId();
            int threads = tc == null ? 1 : tc.cpus();
            return Replicas.get(run, partition, block,
                    () -> new CoreBridge.Replica(arch, loss, spec, block, batch, threads));
        }

        void maybeFail(int epoch, int batchIndex) {
            TaskContext tc = TaskContext.get();
            if (fault != null && tc != null && tc.attemptNumber() == 0 && fault.epoch == epoch
                    && fault.batch == batchIndex && fault.partition == tc.partitionId()) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of partition " + fault.partition + " in epoch "
                        + epoch + ", batch " + (batchIndex + 1));
            }
        }
    }

    record Fault(int epoch, int batch, int partition) implements Serializable { }

    /** Failures injected in this JVM so far (tests check that the fault really fired). */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    /** The driver's parameters and optimiser state at the start of a local-SGD round. */
    record RoundStart(float[] parameters, Map<String, float[]> state, int steps) implements Serializable { }

    /** One synchronous step on one partition: its gradient sum for global batch b. */
    private static final class GradientTask implements Function2<Partial, Block, Partial> {
        private final Job job;
        private final Broadcast<float[]> params;
        private final int epoch;
        private final int b;

        GradientTask(Job job, Broadcast<float[]> params, int epoch, int b) {
            this.job = job;
            this.params = params;
            this.epoch = epoch;
            this.b = b;
        }

        @Override
        public Partial call(Partial acc, Block block) {
            CoreBridge.Replica r = job.replica(block);
            Partial out = new Partial();
            synchronized (r) {
                long t0 = System.nanoTime();
                r.prepareEpoch(job.seed, epoch, job.rows, job.batch);
                r.setParameters(params.value());
                double[] m = new double[2];
                out.values = r.gradientSum(b, m);
                out.rows = r.share(b);
                out.loss = m[0];
                out.correct = m[1];
                out.computeNanos = System.nanoTime() - t0;
                out.backend = r.backendName();
            }
            job.maybeFail(epoch, b);
            return acc.add(out);
        }
    }

    /** One local-SGD round on one partition: K local steps from the broadcast start, weighted by rows used. */
    private static final class RoundTask implements Function2<Partial, Block, Partial> {
        private final Job job;
        private final Broadcast<RoundStart> start;
        private final int epoch;
        private final int b;
        private final int k;

        RoundTask(Job job, Broadcast<RoundStart> start, int epoch, int b, int k) {
            this.job = job;
            this.start = start;
            this.epoch = epoch;
            this.b = b;
            this.k = k;
        }

        @Override
        public Partial call(Partial acc, Block block) {
            CoreBridge.Replica r = job.replica(block);
            Partial out = new Partial();
            synchronized (r) {
                long t0 = System.nanoTime();
                RoundStart s = start.value();
                r.prepareEpoch(job.seed, epoch, job.rows, job.batch);
                r.setParameters(s.parameters());
                r.startRound(s.state(), s.steps(), epoch, job.schedule, job.epochs);
                long used = 0;
                for (int i = b; i < b + k; i++) {
                    if (r.localStep(i, job.clipNorm)) {
                        used += r.share(i);
                    }
                }
                out.rows = used;
                if (used > 0) {
                    float w = used;
                    out.weight = w;
                    out.values = Partial.addScaled(null, r.parameters(), w);
                    Map<String, float[]> st = r.optimizerState();
                    if (!st.isEmpty()) {
                        out.stateKeys = st.keySet().toArray(new String[0]);
                        out.stateLengths = new int[out.stateKeys.length];
                        int len = 0;
                        for (int i = 0; i < out.stateKeys.length; i++) {
                            out.stateLengths[i] = st.get(out.stateKeys[i]).length;
                            len += out.stateLengths[i];
                        }
                        float[] flat = new float[len];
                        int at = 0;
                        for (String key : out.stateKeys) {
                            float[] a = st.get(key);
                            for (int j = 0; j < a.length; j++) {
                                flat[at + j] = w * a[j];
                            }
                            at += a.length;
                        }
                        out.state = flat;
                    }
                    double[] m = r.metrics();
                    out.loss = m[0];
                    out.correct = m[1];
                }
                out.computeNanos = System.nanoTime() - t0;
                out.backend = r.backendName();
            }
            job.maybeFail(epoch, b);
            return acc.add(out);
        }
    }
}
