package org.backprop.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./backprop train --master spark://...} as a user runs it, with no settings of its own,
 * against a standalone Master and two Workers on loopback ({@link StandaloneCluster}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    /** 5,000 rows in batches of 500: 20 synchronous steps, each one Spark job. */
    private static final List<String> RECIPE = List.of("train", "--data", "mnist-sample", "--layers", "64",
            "--epochs", "2", "--batch", "500", "--backend", "cpu", "--progress=false");

    @TempDir static Path dir;
    static StandaloneCluster cluster;
    /** The fault-free run on the cluster, for the runs with faults and the cluster deploy mode. */
    static Map<String, float[]> faultFree;

    @BeforeAll
    static void startCluster() throws Exception {
        Path sparkLib = Path.of(System.getProperty("backprop.sparkLib", "../spark/target/lib"));
        assertTrue(Files.isDirectory(sparkLib), "no Spark jars at " + sparkLib.toAbsolutePath()
                + "; the spark module's package copies them there");
        cluster = new StandaloneCluster(Files.createDirectories(dir.resolve("cluster")), sparkLib, 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void synchronousTrainingOnTheClusterEqualsLocalSparkBitForBitAndOneProcessWithinTolerance() throws Exception {
        Map<String, float[]> one = train("one", List.of());
        Map<String, float[]> local = train("local", List.of("--master", "local[2]"));
        Map<String, float[]> onCluster = train("cluster", List.of("--master", cluster.masterUrl()));
        faultFree = onCluster;
        assertEquals(local.keySet(), onCluster.keySet());
        assertTrue(local.size() >= 4, "parameters saved: " + local.keySet());
        for (String name : local.keySet()) {
            // two partitions on two executors add up the same two sums as two threads of local[2]
            assertArrayEquals(local.get(name), onCluster.get(name), 0f, name + ": cluster against local[2]");
            float[] a = one.get(name);
            float[] b = onCluster.get(name);
            double d = 0;
            for (int i = 0; i < a.length; i++) {
                d = Math.max(d, Math.abs(a[i] - b[i]));
            }
            // as SynchronousEquivalenceTest: only the order the gradient sum is added in differs
            assertTrue(d <= 2e-6, name + ": cluster against one process differs by " + d);
            System.out.printf("%s: max |cluster - one process| = %.3g%n", name, d);
        }
    }

    @Test
    @Order(2)
    void anUnreachableMasterIsOneLineAtOnce() throws Exception {
        String url = "spark://127.0.0.1:" + StandaloneCluster.freePort();
        ChildJvm.Run r = launcher(concat(RECIPE, List.of("--master", url)));
        assertEquals(1, r.exit(), r.out());
        String last = lastLine(r.out());
        assertTrue(last.startsWith("backprop: Spark master " + url + ": unreachable (127.0.0.1:"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.contains("\tat ") || l.contains("\\n\\tat")), r.out());
    }

    @Test
    @Order(3)
    void yarnIsRefusedWithTheSparkSubmitCommand() throws Exception {
        ChildJvm.Run r = launcher(concat(RECIPE, List.of("--master", "yarn")));
        assertEquals(2, r.exit(), r.out());
        assertTrue(lastLine(r.out()).startsWith("backprop: --master yarn: YARN runs through spark-submit: spark-submit"),
                r.out());
    }

    @Test
    @Order(4)
    void anExecutorLargerThanAnyWorkerIsOneLineAfterABoundedWait() throws Exception {
        ChildJvm.Run r = launcher(concat(RECIPE, List.of("--master", cluster.masterUrl())),
                "-Dspark.executor.memory=4g -Dspark.backprop.executorStartTimeout=5s");
        assertEquals(1, r.exit(), r.out());
        assertTrue(lastLine(r.out()).startsWith("backprop: Spark master " + cluster.masterUrl() + ": no executor started"
                + " within 5 s: no Worker has 4g of memory and a core free"), r.out());
        assertOneLine(r.out());
    }

    /**
     * spark-submit, client mode: local SGD averaging every 8 batches on the cluster's two executors,
     * held to the accuracy {@code LocalSgdTest} holds {@code local[2]} to with this recipe (at least 84 %).
     */
    @Test
    @Order(6)
    void sparkSubmitInClientModeTrainsWithLocalSgdToTheLocalModesAccuracy() throws Exception {
        ChildJvm.Run r = sparkSubmit("client", List.of("train", "--spark", "--data", "mnist-sample", "--layers", "64",
                "--epochs", "3", "--batch", "128", "--lr-schedule", "exponential", "--lr-decay", "0.8",
                "--sync-every", "8", "--backend", "cpu", "--progress=false"));
        assertEquals(0, r.exit(), () -> r.out() + "\n" + cluster.logs());
        assertTrue(r.out().contains("spark: master " + cluster.masterUrl() + ", 2 partitions of 5000 rows, local SGD"),
                r.out());
        assertTrue(r.out().contains("spark: 15 jobs for 120 steps"), r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch 3/3 .* test acc ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) >= 84, "test accuracy " + m.group(1) + "%");
    }

    /**
     * spark-submit, cluster mode: a Worker starts the driver, which gets only
     * spark.driver.extraJavaOptions, set as docs/spark.md says; the result is the fault-free one.
     */
    @Test
    @Order(7)
    void sparkSubmitInClusterModeEqualsTheFaultFreeRun() throws Exception {
        Path npz = dir.resolve("cluster-mode.npz");
        ChildJvm.Run r = sparkSubmit("cluster", concat(List.of("train", "--spark"),
                concat(RECIPE.subList(1, RECIPE.size()), List.of("--save", npz.toString()))));
        assertEquals(0, r.exit(), () -> r.out() + "\n" + cluster.logs());
        String driverOut = driverOutput();
        System.out.println("the driver's output:\n" + driverOut);
        assertTrue(driverOut.contains("epoch 2/2"), () -> driverOut + "\n" + r.out() + "\n" + cluster.logs());
        assertSameParameters(faultFree(), npz(npz), "cluster deploy mode");
    }

    /**
     * A Worker (with its executor) and then the Master killed with {@code kill -9} after epoch 1,
     * in one run to keep the class's cost down: the executor left recomputes the lost partition's
     * blocks and serves the driver without a Master, and the run ends with the fault-free result;
     * its epoch-1 checkpoint, resumed on {@code local[2]} (which adds up the same two partitions),
     * ends there too. Last: it leaves the cluster without a Master and one Worker short.
     */
    @Test
    @Order(9)
    void aWorkerAndTheMasterKilledMidRunLeaveTheFaultFreeResultAndTheCheckpointResumesExactly() throws Exception {
        Map<String, float[]> expected = faultFree();
        Path npz = dir.resolve("killed.npz");
        Path checkpoint = dir.resolve("killed.ckpt");
        Path epoch1 = dir.resolve("killed-epoch1.ckpt");
        String out = trainKillingAfterEpoch1(concat(RECIPE, List.of("--master", cluster.masterUrl(), "--save",
                npz.toString(), "--checkpoint", checkpoint.toString(), "--checkpoint-every", "1")), () -> {
                    StandaloneCluster.kill(cluster.worker(1)); // the Worker and its executor
                    StandaloneCluster.kill(cluster.master());
                    // written just after the epoch line, atomically; epoch 2 takes seconds more
                    long end = System.nanoTime() + 30_000_000_000L;
                    while (!Files.exists(checkpoint) && System.nanoTime() < end) {
                        Thread.sleep(20);
                    }
                    Files.copy(checkpoint, epoch1);
                });
        assertSameParameters(expected, npz(npz), "after losing a Worker and the Master\n" + out);
        Path resumed = dir.resolve("resumed.npz");
        ChildJvm.Run r = launcher(List.of("train", "--resume", epoch1.toString(), "--epochs", "2", "--master",
                "local[2]", "--backend", "cpu", "--progress=false", "--save", resumed.toString()), "");
        assertEquals(0, r.exit(), () -> r.out() + "\n" + cluster.logs());
        assertTrue(r.out().contains("epoch 2/2") && !r.out().contains("epoch 1/2"), r.out());
        assertSameParameters(expected, npz(resumed), "resumed from epoch 1");
    }

    private static Map<String, float[]> faultFree() throws Exception {
        if (faultFree == null) {
            faultFree = train("cluster", List.of("--master", cluster.masterUrl()));
        }
        return faultFree;
    }

    private static void assertSameParameters(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), 0f, name + ": " + what);
        }
    }

    private static void assertOneLine(String out) {
        assertTrue(out.lines().noneMatch(l -> l.contains("\tat ") || l.contains("\\n\\tat")), out);
    }

    interface Fault {
        void inject() throws Exception;
    }

    /** Runs the launcher, injects {@code fault} when epoch 1 ends, and returns its output once it succeeded. */
    private static String trainKillingAfterEpoch1(List<String> args, Fault fault) throws Exception {
        Path script = Path.of(System.getProperty("backprop.launcher", "../backprop")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        boolean injected = false;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
                if (!injected && line.startsWith("epoch 1/")) {
                    fault.inject();
                    injected = true;
                }
            }
        } finally {
            if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
                StandaloneCluster.kill(p);
            }
        }
        System.out.println("with a fault after epoch 1:\n" + out);
        assertTrue(injected, out.toString());
        assertEquals(0, p.exitValue(), () -> out + "\n" + cluster.logs());
        return out.toString();
    }

    /**
     * spark-submit as docs/spark.md gives it: the JVM options from the submit jar's
     * {@code SparkJavaOptions} for the driver and the executors, Spark's logging at WARN.
     */
    private static ChildJvm.Run sparkSubmit(String deployMode, List<String> appArgs) throws Exception {
        Path jar = Path.of(System.getProperty("backprop.submitJar", "target/backprop-spark-submit.jar")).toAbsolutePath();
        Path sparkLib = Path.of(System.getProperty("backprop.sparkLib", "../spark/target/lib")).toAbsolutePath();
        ChildJvm.Run opts = ChildJvm.run(ChildJvm.command(List.of("-cp", jar.toString(),
                "org.backprop.spark.SparkJavaOptions")), "SparkJavaOptions");
        assertEquals(0, opts.exit(), opts.out());
        String javaOptions = opts.out().strip();
        assertTrue(javaOptions.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), javaOptions);
        // run as spark-submit's launcher runs it: in client mode this JVM is the driver
        List<String> cmd = new ArrayList<>(List.of("-Xmx512m"));
        if (deployMode.equals("client")) {
            cmd.addAll(List.of(javaOptions.split(" ")));
        }
        cmd.addAll(List.of("-cp", sparkLib + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--deploy-mode", deployMode,
                "--driver-memory", "512m", "--executor-memory", "512m",
                "--conf", "spark.standalone.submit.waitAppCompletion=true", "--conf", "spark.log.level=WARN",
                "--conf", "spark.driver.extraJavaOptions=" + javaOptions,
                "--conf", "spark.executor.extraJavaOptions=" + javaOptions, jar.toString()));
        cmd.addAll(appArgs);
        ChildJvm.Run r = ChildJvm.run(ChildJvm.command(cmd), "spark-submit --deploy-mode " + deployMode);
        System.out.println("spark-submit --deploy-mode " + deployMode + " ...\n" + r.out());
        return r;
    }

    /** The stdout of the one driver a Worker ran (cluster deploy mode). */
    private static String driverOutput() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            Path work = cluster.workDir(i);
            try (java.util.stream.Stream<Path> s = Files.list(work)) {
                for (Path d : s.filter(d -> d.getFileName().toString().startsWith("driver-")).toList()) {
                    b.append(Files.readString(d.resolve("stdout"), StandardCharsets.UTF_8));
                }
            }
        }
        return b.toString();
    }

    private static Map<String, float[]> train(String name, List<String> extra) throws Exception {
        Path npz = dir.resolve(name + ".npz");
        ChildJvm.Run r = launcher(concat(RECIPE, concat(extra, List.of("--save", npz.toString()))));
        assertEquals(0, r.exit(), () -> r.out() + "\n" + cluster.logs());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        return npz(npz);
    }

    /** The {@code backprop} launcher at the top of the checkout, as a user runs it. */
    private static ChildJvm.Run launcher(List<String> args) throws IOException, InterruptedException {
        return launcher(args, "");
    }

    /** The launcher with {@code BACKPROP_JAVA_OPTS} set to {@code javaOpts}. */
    private static ChildJvm.Run launcher(List<String> args, String javaOpts) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("backprop.launcher", "../backprop")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("env", "BACKPROP_JAVA_OPTS=" + javaOpts, "bash", script.toString()));
        cmd.addAll(args);
        ChildJvm.Run r = ChildJvm.run(cmd, "backprop " + String.join(" ", args));
        System.out.println("backprop " + String.join(" ", args) + "\n" + r.out());
        return r;
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The float32 arrays of an .npz (the parameters), by entry name. */
    static Map<String, float[]> npz(Path file) throws IOException {
        Map<String, float[]> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                byte[] b = zip.getInputStream(e).readAllBytes();
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int major = b[6];
                int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
                int start = (major == 1 ? 10 : 12) + headerLen;
                String header = new String(b, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
                if (!header.contains("'<f4'")) {
                    continue; // names and settings beside the parameters
                }
                float[] v = new float[(b.length - start) / 4];
                buf.position(start).asFloatBuffer().get(v);
                out.put(e.getName(), v);
            }
        }
        return out;
    }
}
