package org.backprop.dist;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and some Workers (1 core, 1 GiB each), each
 * a child JVM on free ports, started from the Spark jars the build downloads. Workers launch
 * executors from a temporary {@code SPARK_HOME} whose {@code jars/} links to those jars. Every
 * process, the executors included, is stopped by its pid on {@link #close()} and, should the test
 * JVM end first, by a shutdown hook.
 */
final class StandaloneCluster implements AutoCloseable {

    private final Path dir;
    private final Path sparkLib;
    private final Path sparkHome;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "stop the standalone cluster");
    /** The build's Scala line (2.13, or 2.12 for Spark 3.5), which a Worker's launcher must know. */
    private static final String SCALA = System.getProperty("backprop.scalaBinaryVersion", "2.13");
    private final int masterPort;
    private final List<Process> workers = new ArrayList<>();
    private Process master;

    StandaloneCluster(Path dir, Path sparkLib, int workerCount) throws IOException, InterruptedException {
        this.dir = dir;
        this.sparkLib = sparkLib.toAbsolutePath();
        this.sparkHome = dir.resolve("spark-home");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean started = false;
        try {
            makeSparkHome();
            masterPort = freePort();
            startMaster();
            for (int i = 0; i < workerCount; i++) {
                workers.add(startWorker(i));
            }
            awaitLog("master", "Registering worker", workerCount);
            started = true;
        } finally {
            if (!started) {
                close();
            }
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Worker i's process (its executors are its children). */
    Process worker(int i) {
        return workers.get(i);
    }

    /** The Master's process. */
    Process master() {
        return master;
    }

    /** Worker i's work directory: a driver it runs (cluster deploy mode) writes its output there. */
    Path workDir(int i) {
        return dir.resolve("work-" + i);
    }

    private void startMaster() throws IOException, InterruptedException {
        master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(freePort()));
        awaitPort(masterPort, "the Master");
    }


    /** Everything a child wrote so far: for messages when a test fails. */
    String logs() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                b.append("---- ").append(p.getFileName()).append('\n')
                        .append(Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            b.append("(logs unreadable: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    private Process startWorker(int i) throws IOException {
        Path work = Files.createDirectories(workDir(i));
        return start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()),
                "--cores", "1", "--memory", "1g", "--work-dir", work.toString(), masterUrl());
    }

    /**
     * What a Worker's launcher looks for: {@code jars/} with Spark's jars, and the Scala version
     * (from {@code SPARK_SCALA_VERSION}, else a build directory named after it).
     */
    private void makeSparkHome() throws IOException {
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("launcher/target/scala-" + SCALA));
        try (Stream<Path> s = Files.list(sparkLib)) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
    }

    private Process start(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("-Xmx256m", "-cp", sparkLib + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(cmd)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", SCALA);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_CONF_DIR");
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    private void awaitPort(int port, String what) throws InterruptedException, IOException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException(what + " did not listen on port " + port + " within a minute:\n" + logs());
    }

    private void awaitLog(String name, String line, int times) throws InterruptedException, IOException {
        Path log = dir.resolve(name + ".log");
        long end = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < end) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            if (text.split(line, -1).length - 1 >= times) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(name + " did not log \"" + line + "\" " + times + " times within 90 s:\n" + logs());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Kills one process and all it started (a Worker with its executors), by pid, at once. */
    static void kill(Process p) {
        ProcessHandle h = p.toHandle();
        List<ProcessHandle> children = h.descendants().toList();
        h.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private void stopAll() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            kill(all.get(i));
        }
        for (Process p : all) {
            try {
                p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // killed forcibly already; nothing more to do
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }
}
