package org.backprop.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
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
        // one asynchronous fault is then pinned on its op instead of failing every later test
        if (System.getProperty(CudaBackend.SYNC_PROPERTY) == null) {
            System.setProperty(CudaBackend.SYNC_PROPERTY, "true");
        }
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

        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        /** "CudaContractTest > catalogueCaseMatchesReference > gemm 1x1x1 ...": the class and method a line is about. */
        private String name(TestIdentifier id) {
            StringBuilder sb = new StringBuilder(id.getDisplayName());
            for (TestIdentifier p = parent(id); p != null; p = parent(p)) {
                if (p.getSource().isEmpty()) {
                    break;   // the engine root
                }
                sb.insert(0, p.getDisplayName() + " > ");
                if (p.getSource().get() instanceof ClassSource) {
                    break;
                }
            }
            return sb.toString();
        }

        private TestIdentifier parent(TestIdentifier id) {
            return plan == null ? null : plan.getParent(id).orElse(null);
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            System.out.println("SKIPPED " + name(id) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            boolean aborted = result.getStatus() == TestExecutionResult.Status.ABORTED;
            if (!id.isTest() && !aborted && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            String reason = result.getThrowable().map(t -> ": " + t.getMessage()).orElse("");
            System.out.println(result.getStatus() + " " + name(id)
                    + (id.isTest() ? "" : " (container)") + (aborted || !id.isTest() ? reason : "")
                    + (result.getStatus() == TestExecutionResult.Status.FAILED ? reason : ""));
        }
    }
}
