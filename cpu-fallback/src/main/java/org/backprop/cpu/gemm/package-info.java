/**
 * The CPU backend's GEMM: the route a product takes ({@link org.backprop.cpu.gemm.Gemm}), the
 * packing of its operands, the threaded tile loop, the register blockings chosen per CPU family
 * ({@link org.backprop.cpu.gemm.GemmBlocking}) and the micro-kernels. Public only where the backend
 * and the benchmark probes reach in; measurements of each version tried are in
 * {@code docs/performance/gemm.md}.
 */
package org.backprop.cpu.gemm;
