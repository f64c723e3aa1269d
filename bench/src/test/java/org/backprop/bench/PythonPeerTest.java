package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A missing peer must become a reason in the report, never a failed run. */
class PythonPeerTest {

    @Test
    void noneDisablesThePeers() {
        PythonPeer p = new PythonPeer("none");
        assertNull(p.interpreter("numpy"));
        assertTrue(p.whyNot("numpy").contains("--python none"));
    }

    @Test
    void missingInterpreterGivesAnUnavailableAnswerNamingIt() {
        PythonPeer p = new PythonPeer("/nonexistent/python3");
        PythonPeer.Answer a = p.run("numpy", "gemm_peer.py", Map.of(), Map.of(), 10);
        assertFalse(a.ok());
        assertTrue(a.unavailable().contains("/nonexistent/python3"), a.unavailable());
    }

    @Test
    void sessionWithMissingInterpreterAnswersEveryRequestWithTheReason() {
        try (PythonPeer.Session s = new PythonPeer("/nonexistent/python3").open("numpy", "gemm_peer.py", Map.of(), Map.of())) {
            assertFalse(s.header().ok());
            PythonPeer.Answer a = s.ask(Map.of("m", 1));
            assertFalse(a.ok());
            assertTrue(a.unavailable().contains("/nonexistent/python3"), a.unavailable());
        }
    }
}
