package org.backprop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar, after {@code package}: Spark's own {@code SparkSubmit} runs it with a class
 * path of Spark's jars alone (the spark module's {@code target/lib}), so everything else Backprop
 * needs must be in it.
 */
class SubmitJarIT {

    @TempDir Path dir;

    @Test
    void sparkSubmitRunsTheBackpropCommandFromTheSubmitJar() throws Exception {
        // both set by this module's failsafe configuration
        Path jar = Path.of(System.getProperty("backprop.submitJar", "target/backprop-spark-submit.jar"));
        Path sparkLib = Path.of(System.getProperty("backprop.sparkLib", "../spark/target/lib"));
        assertTrue(Files.isRegularFile(jar), "no submit jar at " + jar.toAbsolutePath() + "; run mvn package first");
        assertTrue(Files.isDirectory(sparkLib), "no Spark jars at " + sparkLib.toAbsolutePath()
                + "; the spark module's package copies them there");
        Path npz = dir.resolve("m.npz");
        List<String> cmd = ChildJvm.command(List.of("-Xmx1g", "-cp",
                sparkLib.toAbsolutePath() + File.separator + "*",
                "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.driver.host=127.0.0.1",
                jar.toAbsolutePath().toString(),
                "train", "--spark", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--backend", "cpu",
                "--progress=false", "--save", npz.toString()));
        ChildJvm.Run r = ChildJvm.run(cmd, "spark-submit");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("spark: master local[2], 2 partitions of 5000 rows"), r.out());
        assertTrue(r.out().contains("epoch 1/1  loss "), r.out());
        assertTrue(Files.size(npz) > 0);
        // Spark's default profile under spark-submit logs ~1,500 INFO lines for this run; the command
        // asks SparkContext for warnings only, which leaves the few it prints before applying that
        long info = r.out().lines().filter(l -> l.contains(" INFO ")).count();
        assertTrue(info < 10, info + " INFO lines under spark-submit:\n" + r.out());
    }
}
