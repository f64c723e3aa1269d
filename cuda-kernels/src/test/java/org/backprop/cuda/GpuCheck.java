package org.backprop.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the cuda-kernels tests from plain jars, for GPU machines without Maven (see
 * {@code cuda-kernels/gpu-check.sh}): prints the device report, then every test with its outcome
 * (skips with their reason), then the summary; exits 1 if anything failed.
 *
 * <p>Arguments: packages to run (default {@code org.backprop.cuda}).
 */
public final class GpuCheck {

    private GpuCheck() { }

    public static void main(String[] args) {
        System.out.println(CudaBackendProvider.deviceReport());
        System.out.println();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        if (args.length == 0) {
            request.selectors(selectPackage("org.backprop.cuda"));
        }
        for (String pkg : args) {
            request.selectors(selectPackage(pkg));
        }
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(built, summary, new Printer());
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 30);
        System.exit(s.getTotalFailureCount() == 0 ? 0 : 1);
    }

    /** One line per test (and per skipped class), so the log shows what ran on the GPU. */
    private static final class Printer implements TestExecutionListener {

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            boolean aborted = result.getStatus() == TestExecutionResult.Status.ABORTED;
            if (!id.isTest() && !aborted && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            String reason = result.getThrowable().map(t -> ": " + t.getMessage()).orElse("");
            System.out.println(result.getStatus() + " " + id.getDisplayName()
                    + (id.isTest() ? "" : " (container)") + (aborted || !id.isTest() ? reason : "")
                    + (result.getStatus() == TestExecutionResult.Status.FAILED ? reason : ""));
        }
    }
}
