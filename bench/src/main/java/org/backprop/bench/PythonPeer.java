package org.backprop.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peer scripts (numpy, PyTorch) as subprocesses: a JSON request on stdin, a JSON answer
 * on stdout. Finds an interpreter that can import the module a peer needs — the default
 * {@code python3} on PATH is often a virtual environment without them — or takes one given with
 * {@code --python}; {@code --python none} turns the peers off.
 */
public final class PythonPeer {

    /** A peer's answer, or the reason there is none. */
    public record Answer(Map<String, Object> json, String unavailable) {
        public boolean ok() {
            return json != null;
        }
    }

    private final String requested;
    private final Map<String, String> interpreterFor = new HashMap<>();
    private final Map<String, String> whyNot = new HashMap<>();
    private Path scripts;

    /** {@code python} null or "auto": search; "none": peers off; else the interpreter to use. */
    public PythonPeer(String python) {
        this.requested = python == null || python.isBlank() ? "auto" : python.trim();
    }

    public boolean disabled() {
        return requested.equals("none");
    }

    /** The interpreter that can import {@code module}, or null with {@link #whyNot(String)} set. */
    public synchronized String interpreter(String module) {
        if (interpreterFor.containsKey(module) || whyNot.containsKey(module)) {
            return interpreterFor.get(module);
        }
        if (disabled()) {
            whyNot.put(module, "peers disabled with --python none");
            return null;
        }
        Set<String> candidates = new LinkedHashSet<>();
        if (!requested.equals("auto")) {
            candidates.add(requested);
        } else {
            // the system interpreter first: Debian's numpy (OpenBLAS) and torch live there, while the
            // python3 on PATH is often a virtual environment with other builds or none
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
            candidates.add("/usr/local/bin/python3");
            candidates.add("python");
        }
        List<String> tried = new ArrayList<>();
        for (String py : candidates) {
            String err = tryImport(py, module);
            if (err == null) {
                interpreterFor.put(module, py);
                return py;
            }
            tried.add(py + ": " + err);
        }
        whyNot.put(module, "no python can import " + module + " (" + String.join("; ", tried) + ")");
        return null;
    }

    public synchronized String whyNot(String module) {
        return whyNot.get(module);
    }

    private static String tryImport(String python, String module) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "import timed out";
            }
            if (p.exitValue() == 0) {
                return null;
            }
            return lastLine(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "cannot run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Runs {@code script} (a file of bench/python) with {@code module}'s interpreter, sends
     * {@code request} as JSON, and parses the JSON it prints. Failures become an unavailable answer
     * carrying the script's last error line, never an exception: a missing peer must not stop a run.
     */
    public Answer run(String module, String script, Map<String, Object> request, Map<String, String> env,
                      long timeoutSeconds) {
        return run(module, script, request, env, timeoutSeconds, null);
    }

    /** As {@link #run(String, String, Map, Map, long)}, echoing the script's stderr lines to {@code progress}. */
    public Answer run(String module, String script, Map<String, Object> request, Map<String, String> env,
                      long timeoutSeconds, java.io.PrintStream progress) {
        String py = interpreter(module);
        if (py == null) {
            return new Answer(null, whyNot(module));
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(py, scriptPath(script).toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(p.getErrorStream(), err, progress), "peer-stderr");
            drain.setDaemon(true);
            drain.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(Json.write(request).getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Answer(null, script + " timed out after " + timeoutSeconds + " s");
            }
            drain.join(5000);
            String stderr = err.toString(StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                return new Answer(null, script + " failed (exit " + p.exitValue() + "): " + lastLine(stderr));
            }
            Map<String, Object> json = Json.object(Json.parse(new String(out, StandardCharsets.UTF_8)));
            if (json.get("unavailable") != null) {
                return new Answer(null, String.valueOf(json.get("unavailable")));
            }
            json.put("interpreter", py);
            return new Answer(json, null);
        } catch (IOException | RuntimeException e) {
            return new Answer(null, script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, script + " interrupted");
        }
    }

    /**
     * A peer that stays up and answers one JSON line per request line, so the caller can alternate
     * its own measurements with the peer's. {@link #header()} is the peer's first answer, or the
     * reason there is no peer; every later answer then carries that reason too.
     */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;
        private final ByteArrayOutputStream err;
        private Answer header;
        private String failed;

        private Session(String unavailable) {
            process = null;
            in = null;
            out = null;
            err = null;
            header = new Answer(null, unavailable);
        }

        private Session(Process process, ByteArrayOutputStream err) {
            this.process = process;
            this.err = err;
            this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        public Answer header() {
            return header;
        }

        /** The peer's answer to one request, or an unavailable answer once the peer has failed. */
        public Answer ask(Map<String, Object> request) {
            if (!header.ok()) {
                return header;
            }
            if (failed != null) {
                return new Answer(null, failed);
            }
            Map<String, Object> a = send(request, "peer");
            return a == null ? new Answer(null, failed) : new Answer(a, null);
        }

        private Map<String, Object> send(Map<String, Object> request, String what) {
            try {
                in.write(Json.write(request).replace('\n', ' ').strip());
                in.write('\n');
                in.flush();
                String line = out.readLine();
                if (line == null) {
                    process.waitFor(10, TimeUnit.SECONDS);
                    failed = what + " ended" + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")")
                            + ": " + lastLine(err.toString(StandardCharsets.UTF_8));
                    return null;
                }
                return Json.object(Json.parse(line));
            } catch (IOException | RuntimeException e) {
                failed = what + ": " + e.getMessage() + "; " + lastLine(err.toString(StandardCharsets.UTF_8));
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = what + " interrupted";
                return null;
            }
        }

        @Override
        public void close() {
            if (process == null) {
                return;
            }
            try {
                in.close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts {@code script} in serve mode with {@code request} as its first line. */
    public Session open(String module, String script, Map<String, Object> request, Map<String, String> env) {
        String py = interpreter(module);
        if (py == null) {
            return new Session(whyNot(module));
        }
        Map<String, Object> req = new LinkedHashMap<>(request);
        req.put("serve", true);
        try {
            ProcessBuilder pb = new ProcessBuilder(py, scriptPath(script).toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread drain = new Thread(() -> copy(p.getErrorStream(), err), "peer-stderr");
            drain.setDaemon(true);
            drain.start();
            Session s = new Session(p, err);
            Map<String, Object> first = s.send(req, script);
            if (first == null || first.get("unavailable") != null) {
                s.header = new Answer(null, first == null ? s.failed : String.valueOf(first.get("unavailable")));
                s.close();
                return s;
            }
            first.put("interpreter", py);
            s.header = new Answer(first, null);
            return s;
        } catch (IOException | RuntimeException e) {
            return new Session(script + ": " + e.getMessage());
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        copy(in, out, null);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, java.io.PrintStream progress) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (out) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
                if (progress != null) {
                    progress.println("  " + line);
                }
            }
        } catch (IOException e) {
            // the process died; its exit code tells the story
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isBlank() ? "(no output)" : lines[lines.length - 1].strip();
    }

    /** The scripts ship inside the jar; they are copied out once per run. */
    private synchronized Path scriptPath(String name) {
        try {
            if (scripts == null) {
                scripts = Files.createTempDirectory("backprop-bench-py");
                scripts.toFile().deleteOnExit();
            }
            Path p = scripts.resolve(name);
            if (!Files.exists(p)) {
                try (InputStream in = PythonPeer.class.getResourceAsStream("python/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("peer script " + name + " is not on the class path");
                    }
                    Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
                }
                p.toFile().deleteOnExit();
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack peer script " + name, e);
        }
    }
}
