package org.backprop.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Backend discovery. {@link #best()} picks the highest-priority backend that really works and
 * logs one line saying which and, when it passes one over, why. {@link #open(String, BackendOptions)}
 * opens the one asked for, or fails with the reason: asking for CUDA where it cannot run is an
 * error, never a silent switch.
 *
 * <p>The choice can come from {@code --backend}, the system property {@value #PROPERTY} or the
 * environment variable {@value #ENV}; {@code auto} means {@link #best()}.
 */
public final class Backends {

    public static final String PROPERTY = "backprop.backend";
    public static final String ENV = "BACKPROP_BACKEND";

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());

    private Backends() { }

    /** Every registered provider, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            list.add(p);
        }
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    public static BackendProvider provider(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (p.name().equals(key)) {
                return p;
            }
            known.add(p.name());
        }
        String module = key.equals("cpu") ? CPU_MODULE : key.equals("cuda") ? "org.backprop:backprop-cuda-kernels" : null;
        if (module != null) {
            throw new BackendUnavailableException("backend " + key + " is not on the class path: add the dependency "
                    + module + (known.isEmpty() ? "" : " (registered here: " + String.join(", ", known) + ")"));
        }
        throw new BackendUnavailableException("unknown backend '" + name + "': expected auto or one of "
                + String.join(", ", known));
    }

    public static Backend best() {
        return best(BackendOptions.defaults());
    }

    /** The best usable backend; logs one line naming it and why any better one was passed over. */
    public static Backend best(BackendOptions options) {
        List<String> skipped = new ArrayList<>();
        for (BackendProvider p : providers()) {
            Availability a = p.availability();
            if (!a.usable()) {
                skipped.add(p.name() + ": " + a.detail());
                continue;
            }
            try {
                Backend b = p.create(options);
                LOG.info(() -> "backend " + b.name() + " (" + b.description() + ")");
                // the reason each better backend was passed over, one line each
                skipped.forEach(why -> LOG.info(() -> "not " + why));
                return b;
            } catch (RuntimeException | LinkageError e) {
                skipped.add(p.name() + ": " + e.getMessage());
            }
        }
        throw new BackendUnavailableException(noBackendMessage(skipped));
    }

    /** The CPU backend's Maven artifact: the one backend that runs everywhere. */
    public static final String CPU_MODULE = "org.backprop:backprop-cpu-fallback";

    /**
     * Why nothing could run. A library user who left the CPU module out sees no provider at all
     * (or only CUDA's refusal), so the message names the artifact that fixes it.
     */
    static String noBackendMessage(List<String> skipped) {
        boolean cpuRegistered = false;
        for (BackendProvider p : providers()) {
            cpuRegistered |= p.name().equals("cpu");
        }
        if (cpuRegistered) {
            return "no usable backend: " + String.join("; ", skipped);
        }
        String hint = "add the dependency " + CPU_MODULE + " (the CPU backend) to the class path";
        return skipped.isEmpty()
                ? "no backend on the class path: " + hint
                : "no usable backend (" + String.join("; ", skipped) + ") and no CPU backend: " + hint;
    }

    /** Opens the named backend ({@code auto} = {@link #best(BackendOptions)}), or says why it can't. */
    public static Backend open(String name, BackendOptions options) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("auto")) {
            return best(options);
        }
        BackendProvider p = provider(name);
        Availability a = p.availability();
        if (!a.usable()) {
            throw new BackendUnavailableException("backend " + p.name() + " cannot run here: " + a.detail());
        }
        Backend b = p.create(options);
        LOG.info(() -> "backend " + b.name() + " (" + b.description() + ")");
        return b;
    }

    /** The choice made by the system property, else the environment variable, else {@code auto}. */
    public static String configuredName() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
        }
        return v == null || v.isBlank() ? "auto" : v.trim();
    }

    /** Opens the backend chosen by {@link #configuredName()}. */
    public static Backend fromEnvironment(BackendOptions options) {
        return open(configuredName(), options);
    }
}
