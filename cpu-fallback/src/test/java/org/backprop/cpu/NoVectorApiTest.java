package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.backprop.core.Backend;
import org.backprop.core.Backends;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector}, as a library user's often is:
 * the backend still works, and stderr says once, in one line, why it is slow and how to fix it.
 */
class NoVectorApiTest {

    /** Opens two CPU backends and multiplies, in a JVM without the Vector API module. */
    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try (Backend b = Backends.best()) {
                var x = b.upload(new float[] {1, 2, 3, 4}, 2, 2);
                var y = b.allocate(2, 2);
                b.gemm(false, false, 1f, x, x, 0f, y);
                float[] out = b.download(y);
                System.out.println("product " + out[0] + " " + out[3] + " vector " + ((CpuBackend) b).vectorGemm());
            }
        }
    }

    @Test
    void withoutTheModuleOneWarningLineGoesToStderr() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                NoVectorApiTest.class.getName()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + err);
        assertEquals("product 7.0 22.0 vector false\n".repeat(2), out);
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of(CpuBackend.NO_VECTOR_API), lines.stream().filter(l -> l.contains("Vector API")).toList());
        assertTrue(CpuBackend.NO_VECTOR_API.contains("--add-modules jdk.incubator.vector"));
    }
}
