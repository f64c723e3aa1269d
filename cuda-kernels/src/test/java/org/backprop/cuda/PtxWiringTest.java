package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jcuda.driver.CUdeviceptr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CI-safe (no GPU, no driver): every kernel Java launches exists as an {@code .entry} in the
 * bundled PTX, with the parameter count and types the launch passes. A mismatch here would be
 * silent garbage or a crash on a GPU, so it is caught where no GPU is needed.
 */
class PtxWiringTest {

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    /** The entries of one PTX resource: name → signature in Kernel's letters. */
    static Map<String, String> entries(String module) throws IOException {
        String ptx = ptxText(module);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                sig.append(letter(p.group(1)));
            }
            out.put(m.group(1), sig.toString());
        }
        return out;
    }

    private static char letter(String ptxType) {
        switch (ptxType) {
            case "u64":
            case "b64":
                return 'p';   // every 64-bit parameter we pass is a device pointer
            case "u32":
            case "s32":
            case "b32":
                return 'i';
            case "f32":
                return 'f';
            default:
                return '?';
        }
    }

    static String ptxText(String module) throws IOException {
        try (InputStream in = PtxWiringTest.class.getResourceAsStream(Kernel.PTX_DIR + module + ".ptx")) {
            assertNotNull(in, module + ".ptx is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernel.class)
    void everyLaunchedKernelIsAnEntryWithTheSignatureJavaPasses(Kernel k) throws IOException {
        Map<String, String> entries = entries(k.module());
        assertTrue(entries.containsKey(k.entry()),
                k.entry() + " is not an .entry of " + k.module() + ".ptx, which has " + entries.keySet());
        assertEquals(k.signature(), entries.get(k.entry()),
                k.entry() + ": PTX parameters (p = pointer, i = int, f = float) differ from what Java passes");
    }

    @Test
    void everyPtxEntryIsLaunchedFromJava() throws IOException {
        // an entry nobody launches is dead code or, worse, a kernel whose Java call was forgotten
        Set<String> modules = EnumSet.allOf(Kernel.class).stream().map(Kernel::module).collect(Collectors.toSet());
        Set<String> launched = EnumSet.allOf(Kernel.class).stream().map(Kernel::entry).collect(Collectors.toSet());
        for (String module : modules) {
            for (String entry : entries(module).keySet()) {
                assertTrue(launched.contains(entry), module + ".ptx has entry " + entry + " that Java never launches");
            }
        }
    }

    @Test
    void ptxTargetsComputeCapability75() throws IOException {
        Set<String> modules = EnumSet.allOf(Kernel.class).stream().map(Kernel::module).collect(Collectors.toSet());
        for (String module : modules) {
            String ptx = ptxText(module);
            assertTrue(ptx.contains("\n.target sm_75"), module + ".ptx must target sm_75 (compute_75)");
            assertTrue(CudaDevice.ptxIsa(ptx.getBytes(StandardCharsets.US_ASCII)).matches("\\d+\\.\\d+"),
                    module + ".ptx has no .version line");
        }
    }

    @Test
    void aLaunchWithTheWrongArgumentCountIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaLaunch.kernelParams(Kernel.SCALE, new CUdeviceptr(), 1f));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void aLaunchWithAnArgumentOfTheWrongTypeIsRefused() {
        // an int where the kernel takes a float would be reinterpreted bit for bit on the device
        assertThrows(IllegalStateException.class,
                () -> CudaLaunch.kernelParams(Kernel.SCALE, new CUdeviceptr(), 1, 3));
    }

    @Test
    void aLaunchMatchingTheSignatureIsAccepted() {
        assertEquals(3, CudaLaunch.kernelParams(Kernel.SCALE, new CUdeviceptr(), 1f, 3).length);
    }
}
