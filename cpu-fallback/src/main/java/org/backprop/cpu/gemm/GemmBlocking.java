package org.backprop.cpu.gemm;

import java.util.Locale;

import org.backprop.cpu.CpuInfo;

/**
 * The GEMM register blocking (micro-kernel shape, in rows × vectors) and k-block length for the CPU
 * this JVM runs on, chosen once at start-up from the vendor and the vector width, because the best
 * shape follows the core's load/FMA/shuffle ports and its L1/L2, which differ by family:
 * <ul>
 *   <li>Intel AVX-512 (2 FMA-512 ports, 48 KB L1): 12×2 vectors, KC 1024;</li>
 *   <li>AMD Zen 4/5 with AVX-512 (an L2 that feeds a 64-wide strip fast enough): 4×4 vectors, KC 1024;</li>
 *   <li>256-bit vectors (AVX2, 16 registers): 6×2 vectors (15 registers in use), KC 256.</li>
 * </ul>
 * The measurements behind each choice are in {@code docs/performance/gemm.md}.
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
