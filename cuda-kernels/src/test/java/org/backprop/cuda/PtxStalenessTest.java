package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * CI-safe: the committed PTX was compiled from the committed CUDA sources. The manifest
 * {@code SOURCES.sha256} written by {@code scripts/regen-ptx.sh} holds each source's SHA-256; a
 * .cu or .cuh edited without regenerating the PTX fails here, on a machine with no nvcc.
 */
class PtxStalenessTest {

    private static final Path SOURCES = Path.of("src/main/cuda");
    private static final String MANIFEST = Kernel.PTX_DIR + "SOURCES.sha256";
    private static final String REGENERATE = "; run scripts/regen-ptx.sh (needs nvcc) and commit the PTX";

    static Map<String, String> manifest() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = PtxStalenessTest.class.getResourceAsStream(MANIFEST)) {
            assertNotNull(in, MANIFEST + " is missing" + REGENERATE);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+\\*?", 2);
                out.put(parts[1], parts[0]);
            }
        }
        return out;
    }

    static Map<String, String> sourceHashes() throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".cu") || name.endsWith(".cuh")) {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    out.put(name, HexFormat.of().formatHex(digest));
                }
            }
        }
        return out;
    }

    @Test
    void everySourceHashMatchesTheManifest() throws Exception {
        Map<String, String> sources = sourceHashes();
        assertFalse(sources.isEmpty(), "no CUDA sources under " + SOURCES.toAbsolutePath());
        Map<String, String> manifest = manifest();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            assertTrue(manifest.containsKey(e.getKey()), e.getKey() + " is not in the PTX manifest" + REGENERATE);
            assertEquals(manifest.get(e.getKey()), e.getValue(),
                    e.getKey() + " changed since its PTX was generated" + REGENERATE);
        }
        assertEquals(sources.keySet(), manifest.keySet(), "the manifest lists sources that no longer exist" + REGENERATE);
    }

    @Test
    void everyKernelSourceHasItsPtxResource() throws Exception {
        for (String name : sourceHashes().keySet()) {
            if (name.endsWith(".cu")) {
                String ptx = Kernel.PTX_DIR + name.replace(".cu", ".ptx");
                try (InputStream in = PtxStalenessTest.class.getResourceAsStream(ptx)) {
                    assertNotNull(in, ptx + " is missing" + REGENERATE);
                }
            }
        }
    }

    /** CUDA 12.0's PTX ISA: the oldest driver we support (R525) loads nothing newer. */
    static final String ISA = "8.0";
    static final String[] PTXAS_TARGETS = {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "sm_100", "sm_120"};

    @Test
    void everyModuleIsCommittedAtPtxIsa80() throws Exception {
        for (String name : sourceHashes().keySet()) {
            if (name.endsWith(".cu")) {
                String module = name.replace(".cu", "");
                String isa = CudaDevice.ptxIsa(PtxWiringTest.ptxText(module).getBytes(StandardCharsets.US_ASCII));
                assertEquals(ISA, isa, module + ".ptx declares PTX ISA " + isa + ", which drivers before CUDA "
                        + CudaDevice.cudaForIsa(isa) + " refuse" + REGENERATE);
            }
        }
    }

    @Test
    void ptxasAssembledEveryLaunchedKernelForEveryTargetArchitecture() throws IOException {
        Map<String, java.util.Set<String>> archsByEntry = new TreeMap<>();
        try (InputStream in = PtxStalenessTest.class.getResourceAsStream(Kernel.PTX_DIR + "RESOURCES.txt")) {
            assertNotNull(in, "RESOURCES.txt is missing" + REGENERATE);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                archsByEntry.computeIfAbsent(f[1] + "." + f[2], k -> new java.util.TreeSet<>()).add(f[0]);
            }
        }
        for (Kernel k : Kernel.values()) {
            java.util.Set<String> archs = archsByEntry.getOrDefault(k.module() + "." + k.entry(), java.util.Set.of());
            for (String sm : PTXAS_TARGETS) {
                assertTrue(archs.contains(sm), k.entry() + " in " + k.module() + ".ptx has no ptxas record for " + sm
                        + REGENERATE);
            }
        }
        String manifest = new String(PtxStalenessTest.class.getResourceAsStream(MANIFEST).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(manifest.contains(".version rewritten to " + ISA), "SOURCES.sha256 does not record ISA " + ISA
                + REGENERATE);
    }
}
