package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar, after {@code package}: Spark's own {@code SparkSubmit} runs it with a class
 * path of Spark's jars alone ({@code target/lib}), so everything else Backprop needs must be in it.
 */
class SubmitJarIT {

    @TempDir Path dir;

    @Test
    void sparkSubmitRunsTheBackpropCommandFromTheSubmitJar() throws Exception {
        Path target = Path.of("target");
        Path jar;
        try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().matches("backprop-spark-.*-submit\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no backprop-spark-*-submit.jar in " + target.toAbsolutePath()));
        }
        Path npz = dir.resolve("m.npz");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognized")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", target.resolve("lib").toAbsolutePath() + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.driver.host=127.0.0.1",
                jar.toAbsolutePath().toString(),
                "train", "--spark", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--backend", "cpu",
                "--progress=false", "--save", npz.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("spark-submit did not finish:\n" + out);
        }
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("spark: master local[2], 2 partitions of 5000 rows"), out);
        assertTrue(out.contains("epoch 1/1  loss "), out);
        assertTrue(Files.size(npz) > 0);
    }
}
