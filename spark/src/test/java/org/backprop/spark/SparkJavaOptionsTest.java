package org.backprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The one list of JVM options Spark needs (the parent POM's spark.java.args, written to a resource
 * for the launcher and {@link ClusterLaunch}) against the Spark this build runs on.
 */
class SparkJavaOptionsTest {

    @Test
    void everyOptionSparksOwnLauncherAddsIsInTheList() {
        List<String> ours = ClusterLaunch.sparkJavaOptions();
        for (String o : JavaModuleOptions.defaultModuleOptions().split("\\s+")) {
            // the Vector API is ours to add, in vector.args and ClusterLaunch.JVM_OPTIONS
            if (!o.startsWith("--add-modules")) {
                assertTrue(ours.contains(o), o + " is added by Spark's launcher but missing from spark.java.args");
            }
        }
    }

    @Test
    void theResourceIsFilteredAndTheUnknownOptionsOfOlderJvmsAreIgnored() {
        List<String> ours = ClusterLaunch.sparkJavaOptions();
        assertEquals("-XX:+IgnoreUnrecognizedVMOptions", ours.get(0));
        assertTrue(ours.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), ours.toString());
        assertTrue(ours.stream().allMatch(o -> o.startsWith("-") && !o.contains("${")), ours.toString());
    }

    @Test
    void executorsAndDriversAlsoGetTheVectorApi() {
        List<String> all = ClusterLaunch.JVM_OPTIONS;
        assertEquals("--add-modules=jdk.incubator.vector", all.get(0));
        assertEquals(ClusterLaunch.sparkJavaOptions(), all.subList(1, all.size()));
    }
}
