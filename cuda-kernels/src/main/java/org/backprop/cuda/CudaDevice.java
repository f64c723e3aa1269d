package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jcuda.driver.CUcontext;
import jcuda.Pointer;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JITOptions;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

import org.backprop.core.Availability;
import org.backprop.core.BackendUnavailableException;

/**
 * The process-wide CUDA state every {@link CudaBackend} shares: the device, its primary context
 * (the one the CUDA runtime and so cuBLAS use too), and our PTX modules, loaded once.
 *
 * <p>{@link #probe()} does the whole start-up once and caches the outcome: it must never throw,
 * because it runs on machines without a driver (CI), where JCuda's natives fail to link against
 * {@code libcuda.so.1}. Each step records what it was doing, so the reason names the failing call.
 * The primary context stays retained for the life of the process, as the CUDA runtime does.
 */
final class CudaDevice {

    /** System property: which device ordinal to use (default 0). */
    static final String DEVICE_PROPERTY = "backprop.cuda.device";

    private static Availability availability;
    private static CudaDevice instance;

    final CUdevice device;
    final CUcontext context;
    final int ordinal;
    final String name;
    final int ccMajor;
    final int ccMinor;
    final long totalBytes;
    final int cudaDriverVersion;
    final String ptxIsa;
    private final Map<Kernel, CUfunction> functions;
    /** Null when cuBLAS loaded and made a handle; else why not. */
    final String cublasProblem;
    final int cublasVersion;

    private CudaDevice(CUdevice device, CUcontext context, int ordinal, String name, int ccMajor, int ccMinor,
                       long totalBytes, int cudaDriverVersion, String ptxIsa, Map<Kernel, CUfunction> functions,
                       String cublasProblem, int cublasVersion) {
        this.device = device;
        this.context = context;
        this.ordinal = ordinal;
        this.name = name;
        this.ccMajor = ccMajor;
        this.ccMinor = ccMinor;
        this.totalBytes = totalBytes;
        this.cudaDriverVersion = cudaDriverVersion;
        this.ptxIsa = ptxIsa;
        this.functions = functions;
        this.cublasProblem = cublasProblem;
        this.cublasVersion = cublasVersion;
    }

    /** Whether CUDA can run here, and why not; initialises everything on the first call. Never throws. */
    static synchronized Availability probe() {
        if (availability == null) {
            try {
                availability = initialise();
            } catch (Throwable t) {   // belt and braces: initialise catches per step already
                availability = Availability.unusable("CUDA start-up failed: " + NativeErrors.describe(t));
            }
        }
        return availability;
    }

    /** The initialised device, or the reason it cannot run as an exception. */
    static synchronized CudaDevice get() {
        Availability a = probe();
        if (!a.usable() || instance == null) {
            throw new BackendUnavailableException("backend cuda cannot run here: " + a.detail());
        }
        return instance;
    }

    CUfunction function(Kernel k) {
        return functions.get(k);
    }

    boolean cublasLoaded() {
        return cublasProblem == null;
    }

    String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /** Free and total bytes now; makes the context current on the calling thread. */
    long[] memoryInfo() {
        cuCtxSetCurrent(context);
        long[] free = new long[1];
        long[] total = new long[1];
        cuMemGetInfo(free, total);
        return new long[] {free[0], total[0]};
    }

    /** "580.65.06 (CUDA 13.0)" where the kernel module version is readable, else "CUDA 13.0". */
    String driverVersion() {
        String cuda = "CUDA " + cudaDriverVersion / 1000 + "." + (cudaDriverVersion % 1000) / 10;
        String kernelModule = kernelModuleVersion();
        return kernelModule == null ? cuda : kernelModule + " (" + cuda + ")";
    }

    private static String kernelModuleVersion() {
        try {
            String text = Files.readString(Path.of("/proc/driver/nvidia/version"), StandardCharsets.US_ASCII);
            Matcher m = Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?(\\d+\\.\\d+(?:\\.\\d+)?)").matcher(text);
            return m.find() ? m.group(1) : null;
        } catch (IOException | RuntimeException e) {
            return null;   // not Linux, or no proc entry: the CUDA version alone still says enough
        }
    }

    // ------------------------------------------------------------------------------ start-up

    private static Availability initialise() {
        String step = "loading JCuda's driver binding (JCuda " + NativeErrors.jcudaVersion() + ")";
        CUdevice device = null;
        boolean retained = false;
        try {
            JCudaDriver.setExceptionsEnabled(true);
            step = "cuInit";
            cuInit(0);
            step = "cuDeviceGetCount";
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                return Availability.unusable("the NVIDIA driver loaded but sees no CUDA device");
            }
            int ordinal = Integer.getInteger(DEVICE_PROPERTY, 0);
            if (ordinal < 0 || ordinal >= count[0]) {
                return Availability.unusable("-D" + DEVICE_PROPERTY + "=" + ordinal + " but there are "
                        + count[0] + " CUDA device(s)");
            }
            step = "cuDeviceGet(" + ordinal + ")";
            device = new CUdevice();
            cuDeviceGet(device, ordinal);
            String name = deviceName(device);
            int[] major = new int[1];
            int[] minor = new int[1];
            cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            if (major[0] * 10 + minor[0] < 75) {
                return Availability.unusable(name + " has compute capability " + major[0] + "." + minor[0]
                        + "; our PTX targets compute_75 (Turing) and newer");
            }
            long[] total = new long[1];
            cuDeviceTotalMem(total, device);
            int[] driver = new int[1];
            cuDriverGetVersion(driver);

            step = "cuDevicePrimaryCtxRetain";
            CUcontext context = new CUcontext();
            cuDevicePrimaryCtxRetain(context, device);
            retained = true;
            cuCtxSetCurrent(context);

            Map<String, CUmodule> modules = new LinkedHashMap<>();
            Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
            String isa = "?";
            for (Kernel k : Kernel.values()) {
                CUmodule module = modules.get(k.module());
                if (module == null) {
                    step = "reading " + k.resource();
                    byte[] ptx = readPtx(k.resource());
                    isa = ptxIsa(ptx);
                    step = "cuModuleLoadDataEx(" + k.module() + ".ptx)";
                    module = new CUmodule();
                    String rejected = loadModule(module, k.module(), ptx, isa, driver[0]);
                    if (rejected != null) {
                        return Availability.unusable(rejected);
                    }
                    modules.put(k.module(), module);
                }
                step = "cuModuleGetFunction(" + k.entry() + " in " + k.module() + ".ptx)";
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, module, k.entry());
                functions.put(k, f);
            }

            String cublasProblem;
            int cublasVersion = 0;
            try {
                cublasVersion = probeCublas();
                cublasProblem = null;
            } catch (Throwable t) {
                cublasProblem = NativeErrors.describe(t)
                        + (t instanceof LinkageError ? " (JCublas " + NativeErrors.jcudaVersion() + " links libcublas.so.12)" : "");
            }

            instance = new CudaDevice(device, context, ordinal, name, major[0], minor[0], total[0], driver[0], isa,
                    functions, cublasProblem, cublasVersion);
            retained = false;
            return Availability.usable(name + ", compute " + major[0] + "." + minor[0] + ", "
                    + gib(total[0]) + ", driver " + instance.driverVersion());
        } catch (Throwable t) {
            return Availability.unusable(describeStep(step, t));
        } finally {
            if (retained) {
                try {
                    cuDevicePrimaryCtxRelease(device);
                } catch (Throwable ignored) {
                    // the reason already recorded matters more than a failed clean-up
                }
            }
        }
    }

    private static String describeStep(String step, Throwable t) {
        String why = NativeErrors.describe(t);
        if (why.startsWith("no NVIDIA driver")) {
            return why;
        }
        return step + " failed: " + why;
    }

    /** Bytes of the JIT's error log buffer: ptxas messages for a whole module fit easily. */
    static final int JIT_LOG_BYTES = 8192;

    /**
     * Loads one PTX module through the driver's JIT (cuModuleLoadDataEx) with an error-log buffer;
     * returns null on success, else the one-line reason, with the JIT compiler's own first line.
     */
    private static String loadModule(CUmodule module, String name, byte[] ptx, String isa, int driverVersion) {
        JITOptions jit = new JITOptions();
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
        int result;
        try {
            // the JIT variant returns its code instead of throwing, so the log can be read first
            result = cuModuleLoadDataJIT(module, Pointer.to(ptx), jit);
        } catch (RuntimeException e) {
            return ptxRejected(name, isa, driverVersion, NativeErrors.describe(e), "");
        }
        if (result == CUresult.CUDA_SUCCESS) {
            return null;
        }
        return ptxRejected(name, isa, driverVersion, CUresult.stringFor(result),
                jitLog(jit.getBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER)));
    }

    /** The NUL-terminated text the JIT wrote, as one line ("" when it wrote nothing). */
    static String jitLog(byte[] buffer) {
        if (buffer == null) {
            return "";
        }
        int len = 0;
        while (len < buffer.length && buffer[len] != 0) {
            len++;
        }
        return new String(buffer, 0, len, StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    static String ptxRejected(String module, String isa, int driverVersion, String code, String log) {
        String cuda = driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
        String jit = log.isEmpty() ? "" : " (JIT: " + NativeErrors.firstLine(log) + ")";
        if (code.contains("UNSUPPORTED_PTX_VERSION") || code.contains("INVALID_PTX") || code.contains("NO_BINARY")) {
            return "the NVIDIA driver (CUDA " + cuda + ") rejected our PTX " + module + ".ptx (PTX ISA " + isa
                    + "): " + code + jit + "; PTX ISA " + isa + " needs a driver of CUDA "
                    + cudaForIsa(isa) + " or newer";
        }
        return "cuModuleLoadDataEx(" + module + ".ptx) failed: " + code + jit;
    }

    /** The first CUDA release whose driver accepts PTX ISA {@code isa}, from NVIDIA's PTX release notes. */
    static String cudaForIsa(String isa) {
        switch (isa) {
            case "7.8": return "11.8";
            case "8.0": return "12.0";
            case "8.1": return "12.1";
            case "8.2": return "12.2";
            case "8.3": return "12.3";
            case "8.4": return "12.4";
            case "8.5": return "12.5";
            case "8.6": return "12.7";
            case "8.7": return "12.8";
            case "8.8": return "12.9";
            case "9.0": return "13.0";
            default: return "? (PTX ISA " + isa + ")";
        }
    }

    private static int probeCublas() {
        JCublas2.setExceptionsEnabled(true);
        cublasHandle handle = new cublasHandle();
        JCublas2.cublasCreate(handle);
        try {
            int[] version = new int[1];
            JCublas2.cublasGetVersion(handle, version);
            return version[0];
        } finally {
            JCublas2.cublasDestroy(handle);
        }
    }

    private static String deviceName(CUdevice device) {
        byte[] buf = new byte[256];
        cuDeviceGetName(buf, buf.length, device);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    /** The PTX text with the terminating NUL that cuModuleLoadData expects. */
    static byte[] readPtx(String resource) throws IOException {
        try (InputStream in = CudaDevice.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("PTX resource " + resource + " is missing from the jar");
            }
            byte[] text = in.readAllBytes();
            byte[] withNul = new byte[text.length + 1];
            System.arraycopy(text, 0, withNul, 0, text.length);
            return withNul;
        }
    }

    static String ptxIsa(byte[] ptx) {
        Matcher m = Pattern.compile("(?m)^\\.version\\s+(\\S+)").matcher(new String(ptx, StandardCharsets.US_ASCII));
        return m.find() ? m.group(1) : "?";
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
