package org.backprop.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what JCuda throws when its natives cannot load (a multi-line UnsatisfiedLinkError with
 * nested stack traces, or later a NoClassDefFoundError wrapping it) into the one line a user
 * needs: which shared library is missing or which CUDA call failed.
 */
final class NativeErrors {

    private static final Pattern MISSING_LIB =
            Pattern.compile("([\\w.+-]+\\.so(?:\\.\\d+)*): cannot open shared object file");
    private static final Pattern UNDEFINED_SYMBOL = Pattern.compile("undefined symbol: (\\S+)");
    /** The dynamic linker's "(path/)libX.so.N: version `V' not found": a library under the right soname but of another release. */
    private static final Pattern MISSING_VERSION =
            Pattern.compile("(?:[^\\s:]*/)?([\\w.+-]+\\.so(?:\\.\\d+)*): version `([^']+)' not found");
    private static final Pattern CUDA_ERROR = Pattern.compile("\\b(CUDA_ERROR_\\w+|CUBLAS_STATUS_\\w+)\\b");

    private NativeErrors() { }

    /** One line naming the cause of {@code t}, never null or empty. */
    static String describe(Throwable t) {
        List<String> messages = new ArrayList<>();
        for (Throwable c = t; c != null && messages.size() < 10; c = c.getCause()) {
            if (c.getMessage() != null) {
                messages.add(c.getMessage());
            }
        }
        String all = String.join("\n", messages);
        Matcher m = MISSING_LIB.matcher(all);
        if (m.find()) {
            String lib = m.group(1);
            if (lib.startsWith("libcuda.so")) {
                return "no NVIDIA driver: " + lib + " not found (JCuda's driver binding links it)";
            }
            return lib + " not found";
        }
        m = MISSING_VERSION.matcher(all);
        if (m.find()) {
            return m.group(1) + " lacks symbol version " + m.group(2) + ": it is another release than the one JCuda "
                    + jcudaVersion() + " was built for (for cuBLAS: a libcublas.so.12 link to cuBLAS 13 does not work; "
                    + "install cuBLAS 12 or use the PTX GEMM)";
        }
        m = UNDEFINED_SYMBOL.matcher(all);
        if (m.find()) {
            return "the installed library lacks symbol " + m.group(1) + " (driver or CUDA library too old for JCuda "
                    + jcudaVersion() + ")";
        }
        m = CUDA_ERROR.matcher(all);
        if (m.find()) {
            return m.group(1);
        }
        if (t instanceof NoClassDefFoundError && t.getMessage() != null && !t.getMessage().startsWith("Could not")) {
            return "JCuda classes missing from the class path: " + t.getMessage();
        }
        String first = messages.isEmpty() ? t.getClass().getName() : firstLine(messages.get(0));
        return t.getClass().getSimpleName() + ": " + first;
    }

    static String firstLine(String s) {
        String line = s.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    static String jcudaVersion() {
        try {
            return jcuda.JCudaVersion.get();
        } catch (Throwable e) {
            return "(unknown version)";
        }
    }
}
