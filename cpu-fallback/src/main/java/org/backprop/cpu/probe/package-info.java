/**
 * Probes that measure this machine for the benchmarks (the FMA peak, the GEMM micro-kernel's own
 * rate): not part of the backend's API, and not used by training.
 */
package org.backprop.cpu.probe;
