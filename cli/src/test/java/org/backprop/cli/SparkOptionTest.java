package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The command line is built without Spark: {@code --spark} finds the spark module at run time, and
 * where it is missing (as here, on this module's own class path) says so in one line.
 */
class SparkOptionTest {

    @Test
    void sparkWithoutTheSparkModuleIsOneLineSayingWhatIsMissing() {
        Cli.Run r = Cli.run("train", "--spark", "local[2]", "--data", "mnist-sample", "--layers", "8", "--epochs", "1",
                "--backend", "cpu", "--progress=false");
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertEquals("backprop: spark training needs the backprop-spark module and spark on the class path:"
                + " build everything (mvn -B -q -DskipTests package) and run ./backprop, or submit the"
                + " backprop-spark jar with spark-submit", r.err().strip().lines().reduce((a, b) -> b).orElse(""));
        assertTrue(r.err().strip().lines().noneMatch(l -> l.startsWith("\tat ")), r.err());
    }

    @Test
    void syncEveryMustBeAPositiveNumberOfSteps() {
        Cli.Run r = Cli.run("train", "--spark", "local[2]", "--sync-every", "0", "--data", "mnist-sample");
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("--sync-every must be between 1 and 1000000 steps, got 0"), r.err());
    }
}
