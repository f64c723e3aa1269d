package org.backprop.cpu.gemm;

import java.util.Locale;

import org.backprop.cpu.CpuInfo;

/**
 * The GEMM register blocking (micro-kernel shape, in rows × vectors) and k-block length for the CPU
 * this JVM runs on, chosen once at start-up from the vendor and the vector width — because the
 * best shape follows the core's load/FMA/shuffle ports and its L1/L2, which differ by family:
 * <ul>
 *   <li><b>Intel AVX-512</b> (Skylake-SP to Emerald Rapids: 2 FMA-512 ports, 48 KB L1, L2 that
 *       feeds about 32 B/cycle in practice): 12×2 vectors, KC 1024. Measured on a Sapphire
 *       Rapids-class Xeon (see {@link VectorGemmKernel12x2}): kernel alone 233 GFLOP/s of 240
 *       measured peak with KC 256 (its 32 KB B strip in L1), against 150 for 4×4 at KC 1024,
 *       whose 256 B of B per 16 FMAs had to come from L2. KC was 256 until the weights were held
 *       in panels (so x·W reads its B strips, 128 KB at k = 1024, straight from L2 rather than
 *       from a fresh packed copy): the 12×2 kernel alone then runs ~166 at KC 1024 against ~198
 *       at 256, but whole products came out level or better (one k-block at the workload's k,
 *       C written once): 2 threads, µs, KC 256 / 1024, x·W 256×1024×784 with W in panels 1448 /
 *       1347, 256×1024×1024 1744 / 1697, δ·Wᵀ 256×784×1024 1660 / 1591, row-major 2048³ 55.4 /
 *       55.9 ms; the reference epoch 2.17–2.25 / 2.11–2.16 s (three interleaved pairs), the
 *       default recipe's 1.09–1.15 / 1.08–1.13 s and its first epoch 1.85–1.90 / 1.63–1.68 s.</li>
 *   <li><b>AMD Zen 4/5 with AVX-512</b>: 4×4 vectors, KC 1024 — measured best on a Zen 5 EPYC
 *       (kernel 222 GFLOP/s of ~224, training step 11.8 → 8.7 ms against KC 192). Zen's L2 feeds
 *       the 256 B per k step of a 64-wide strip fast enough, so the longer k-block, which writes
 *       C once per product, wins there. Not re-measured on Zen with 12×2.</li>
 *   <li><b>256-bit vectors (AVX2)</b>, 16 registers: 6×2 vectors (12 accumulators), KC 256: the
 *       shape Haswell-class BLAS kernels use, by register count. Measured only on the Xeon with
 *       its vectors cut to 256 bits ({@code java -XX:UseAVX=2}, so C2 emits AVX2 and 16 registers;
 *       a Haswell core is not that): 2 threads, 159–188 GFLOP/s over X·W 256×1024×784, Xᵀ·δ
 *       784×1024×256, δ·Wᵀ 256×1024×1024, 512³–2048³, against numpy/OpenBLAS with
 *       {@code OPENBLAS_CORETYPE=Haswell} 216–235 in the same hour (0.72–0.86×; ~244 is the
 *       two-port AVX2 peak at the clock held). The 12 FMAs of a k step carry the same ~10 scalar
 *       ops of loop and index arithmetic as the 12×2 kernel's 24; unrolled by two k steps on the
 *       same registers the loop ran 130–178 against 155–195, so it stays as it is.</li>
 * </ul>
 * {@code -Dbackprop.cpu.gemm=ROWSxVECTORS[:KC]} (e.g. {@code 4x4:1024}) overrides the choice.
 */
public record GemmBlocking(int rows, int vectors, int kc, String reason) {

    static final String PROPERTY = "backprop.cpu.gemm";

    /** The blocking for this CPU and the Vector API's preferred width; call only where the Vector API loads. */
    public static GemmBlocking forThisCpu() {
        return forThisCpu(VectorGemmKernels.lanes());
    }

    static GemmBlocking forThisCpu(int lanes) {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return parse(forced.trim());
        }
        return choose(CpuInfo.field("vendor_id"), lanes);
    }

    /** The table above; {@code vendor} as /proc/cpuinfo spells it, {@code lanes} floats per vector. */
    static GemmBlocking choose(String vendor, int lanes) {
        if (lanes >= 16 && "AuthenticAMD".equals(vendor)) {
            return new GemmBlocking(4, 4, 1024, "AMD AVX-512");
        }
        if (lanes >= 16) {
            return new GemmBlocking(12, 2, 1024, "GenuineIntel".equals(vendor) ? "Intel AVX-512" : "AVX-512");
        }
        return new GemmBlocking(6, 2, 256, lanes + "-float vectors");
    }

    /** {@code ROWSxVECTORS[:KC]}, as the system property takes it. */
    public static GemmBlocking parse(String spec) {
        String[] parts = spec.toLowerCase(Locale.ROOT).split(":");
        String[] shape = parts[0].split("x");
        try {
            int rows = Integer.parseInt(shape[0]);
            int vectors = Integer.parseInt(shape[1]);
            int kc = parts.length > 1 ? Integer.parseInt(parts[1]) : 256;
            GemmBlocking b = new GemmBlocking(rows, vectors, kc, PROPERTY + "=" + spec);
            if (!b.supported() || kc < 1 || parts.length > 2 || shape.length != 2) {
                throw new IllegalArgumentException();
            }
            return b;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(PROPERTY + ": '" + spec
                    + "' is not one of 4x4, 12x2, 6x2 with an optional :KC (a positive k-block length), e.g. 12x2:256");
        }
    }

    /** A fresh Vector API micro-kernel of this shape; call only where the Vector API loads. */
    public MicroKernel kernel() {
        return VectorGemmKernels.create(this);
    }

    /** Floats per vector of the Vector API's preferred species; call only where the Vector API loads. */
    public static int lanes() {
        return VectorGemmKernels.lanes();
    }

    boolean supported() {
        return (rows == 4 && vectors == 4) || (rows == 12 && vectors == 2) || (rows == 6 && vectors == 2);
    }

    /** {@code ROWSxVECTORS}, e.g. {@code 12x2}. */
    public String shape() {
        return rows + "x" + vectors;
    }
}
