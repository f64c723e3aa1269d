package org.backprop.cpu.gemm;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.backprop.cpu.CpuInfo;
import org.backprop.cpu.WorkerPool;

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major float arrays, blocked the Goto/BLIS way: k in blocks
 * of at most KC (chosen per CPU family by {@link GemmBlocking}); all of op(A) is packed into
 * MR-row strips and all of op(B) into NR-column strips, every k-block, zero-padded to whole tiles
 * (packing also turns the four transpose cases into the one layout the micro-kernel reads); C is
 * split into tiles of at most MC rows × a run of B strips, one task each, and each task takes its
 * tiles through every k-block in order. For one B strip (L1-resident when KC × NR × 4 bytes fits)
 * the micro-kernel walks the A strips of the tile's row block past it. One dispatch per product,
 * whatever the number of k-blocks: each strip (all its k-blocks) is packed by the first tile task
 * that needs it, while the other threads compute (see {@link #ensurePacked}). Packing A drops the
 * k steps where a whole strip is zero (an MNIST batch loses half), with the same bits (see
 * {@link #dropZeroSteps}). A C at most a vector wide, or a k of at most ten, goes to the narrow
 * paths instead ({@link NarrowKernel}). A B held in {@link PanelLayout panels} (the backend keeps
 * weight matrices so) is already its own packed copy and is read in place; a C in panels takes
 * its tiles there.
 *
 * <p>Determinism: the blocking and the path depend only on m, n, k and which k steps of A are all
 * zero; each C element is computed by exactly one task, which adds its k-blocks in order.
 * So the thread count cannot change a single bit.
 *
 * <p>Versions tried (2-core Zen 5, AVX-512, 1 thread, GFLOP/s; the machine was shared by other
 * builds, load 2–6, so figures carry ±15%):
 * <ul>
 *   <li>v1, kernel storing C through a helper method taking the vectors: ~18 at 1024³ — C2 did not
 *       inline the helper and boxed every vector. Stores written out in the kernel: ~150.</li>
 *   <li>KC 256 ≈ 92 vs 192 ≈ 60 vs 128 ≈ 40–90 in one loaded run; 256 kept.</li>
 *   <li>Packing with contiguous writes and strided reads (rows walked side by side) was slower
 *       than contiguous reads and strided writes: X·W 256×1024×784 103 vs 132, δ·Wᵀ 77 vs 115.</li>
 *   <li>6-row kernel (18 accumulators) vs 4-row: no clear difference within the noise; 4 kept.</li>
 *   <li>v2: 1024³ ≈ 160; X·W 256×1024×784 ≈ 128; Xᵀ·δ 784×1024×256 ≈ 157; δ·Wᵀ 256×784×1024 ≈ 136.</li>
 *   <li>v3: each task packed its own A block, so at m = 256 (3 row blocks × 6 column chunks) A was
 *       packed six times per k-block; now packed once, shared, in the same dispatch as B: X·W
 *       ~146 → ~160, Xᵀ·δ 784 ~100 → ~180.</li>
 *   <li>4×64 kernel (16 accumulators, 4 B loads + 4 broadcasts per 16 FMAs) vs 4×48: kernel alone
 *       on L1-resident operands ~222 vs ~188 at kc 128; but at kc 256 the 64 KB B strip spills
 *       L1 (~180), hence KC 192. n = 1024 is a whole number of 64-wide strips (48 left a 16-wide
 *       edge strip, 4.5% wasted work).</li>
 *   <li>KC 192 → 1024 (the workload's k ≤ 1024 is then one block, so C is written once, not 5–6
 *       times): GEMMs alone, 2 threads, interleaved A/B, roughly equal or better (1024³ 279 → 347,
 *       δ·Wᵀ 256×1024×1024 298 → 329, X·W 256×1024×1024 360 → 342); the whole training step
 *       (min of 3–4 runs, 2 threads) 11.8 → 8.7 ms, 512 and 384 in between.</li>
 *   <li>Transposed B packed four rows side by side (four contiguous floats written per k step)
 *       instead of one row at a time: δ·Wᵀ 256×784×1024 ~127 → ~158.</li>
 *   <li>C only a few columns wide (the 10-class output layer) is computed transposed, Cᵀ =
 *       op(B)ᵀ·op(A)ᵀ, then copied: a 10-wide C used 10 of each 48-wide tile.</li>
 *   <li>Now (bench/results/cpu-perf-2026-11-22, run 5, load 1.9), 1 thread / 2 threads: 1024³
 *       179 / 322; X·W 256×1024×784 179 / 334; Xᵀ·δ 784×1024×256 194 / 351; δ·Wᵀ 256×784×1024
 *       166 / 308; numpy/OpenBLAS 98–102 / 183–197.</li>
 *   <li>Intel Xeon (Sapphire Rapids class, KVM, 2 cores; 2026-12-01). Floor: an FMA-512 loop
 *       with 12 independent chains runs 240 GFLOP/s per core (1.87 FMA/cycle at ~4.0 GHz; the
 *       Java loop of {@code CpuPeak} 223). Kernel alone on L1-resident operands, kc 256: 4×4
 *       vectors 150 (kc 128: 168; its 64 KB B strip spills the 48 KB L1 past kc 192), 6×4 187,
 *       8×2 205, 8×3 200, 12×2 233, 14×2 233. In the packed GEMM, 1 thread, CPU time (load 1–3):
 *       4×4 KC 1024 122–139, 8×2 KC 256 143–190, 12×2 KC 256 150–187 across X·W 256×1024×784,
 *       Xᵀ·δ 784×1024×256, δ·Wᵀ 256×784×1024 and 1024³; numpy/OpenBLAS 0.3.21 (SkylakeX kernel),
 *       1 thread, same hour: 170–188. 12×2 KC 256 is the Intel choice; the gap to the kernel's
 *       own rate is the A strips arriving from L2 and C's 4 KB row stride.</li>
 *   <li>The 12×2 kernel with both store paths (β = 0 and β ≠ 0) in one method ran at 0.5 GFLOP/s:
 *       C2 exhausted its inlining budget and left vector ops as boxed calls. Split into a store
 *       loop and an accumulate loop, each its own method.</li>
 *   <li>A packing for any MR reads the strip's rows side by side (MR contiguous floats written per
 *       k step), as the 4-row special case did; the old generic loop wrote with stride MR.</li>
 *   <li>KC 256 on Intel means 3–4 k-blocks at the workload's k, and the earlier loop (one dispatch
 *       per k-block, packing the next block during this one) paid a barrier per block; now every
 *       block is packed by one dispatch and each tile task runs all blocks: 2 barriers per product.</li>
 *   <li>Fused ops' tails as an epilogue of the tile tasks (bias + activation, f′), and the bias
 *       gradient summed while δ is packed: the reference MLP's step went from 22 fork/joins to 15
 *       (CpuStepDispatchTest), but the epoch got slower (random 30720×784 data, 2 threads, quiet,
 *       best of 3 epochs in 3 rounds: 1.48–1.56 s against 1.36–1.41 s): linearForward with the
 *       vector sigmoid in the epilogue took ~2.04 ms against ~1.60 ms for the GEMM and a pass, and
 *       linearInputGradient ~1.97 against ~1.93. The epilogues were taken out again; the bias
 *       gradient in the packing (1.32–1.35 ms against 1.31–1.36) and one SGD dispatch for every
 *       parameter (neutral) stayed: 19 fork/joins per step, and the epoch the same as before
 *       within the noise (1.35–1.44 s against 1.35–1.49 s, interleaved).</li>
 *   <li>Tried (same machine, 1 thread, CPU time, load ~3 from other builds): with C at most 512
 *       rows in one row block, each tile task packing its own B strips just before use instead of
 *       the pack dispatch writing all of op(B): X·W 256×1024×784 134 → 128–134, δ·Wᵀ 256×784×1024
 *       128–135 → 135–138, 256×1024×1024 138 → 131, 128×1024×1024 116–121 → 121–127 GFLOP/s; no
 *       clear gain, so not kept. The kernel alone ran 185–208 in the same conditions.</li>
 *   <li>Code C2 emits for the 12×2 loop ({@code scripts/jit-asm.sh}: JDK 17's
 *       {@code -XX:CompileCommand=print} hex, disassembled with objdump, as Debian's hsdis lacks
 *       the entry point JDK 17 calls): the twelve
 *       A values come as {@code vbroadcastss zmm, [mem]} (a load, not a shuffle on the FMA port),
 *       the two B vectors as plain loads, 24 {@code vfmadd231ps}, no spills; around them ~15
 *       scalar ops (index arithmetic, two range checks on A, the strip-mined loop's counter). One
 *       induction variable p, with A's and B's offsets computed from it, removed the checks on B,
 *       same speed (~186 in a tile loop over 8 A × 4 B strips, 1 thread). Unrolled by two, C2
 *       spilled accumulators to the stack: 154. Reading every step through an index list (so the
 *       dense and skipping loops could be one) cost 13% on dense products: the loops stay
 *       separate. The loop counted by A's offset itself ({@code for (ai = aOff; ai < end; ai +=
 *       MR, bi += NR)}) left C2 far less to recompute per step: 186 → 228 in the same tile loop;
 *       in whole products (1 / 2 threads, GFLOP/s, interleaved runs) X·W 256×1024×784 141 → 149 /
 *       243 → 268, Xᵀ·δ 784×1024×256 170 → 177 / ~300 → 318, 1024³ 163 → 177 / 285 → 291, 2048³
 *       150 → 159 / 307 → 342; with zero-step skipping on an MNIST batch, 2 threads, X·W 1.26 →
 *       1.05 ms and Xᵀ·δ 1.01 → 0.85 ms. The same loop form on the 6×2 kernel (6×32 here) 128–158
 *       → 144–172 on one thread; on the 4×4 kernel (Zen's) 121–138 against 122–140, no change,
 *       so that one keeps its loop.</li>
 *   <li>Zero-step skipping (see {@link #dropZeroSteps}): an MNIST batch of 256 (81% zero pixels)
 *       keeps 51% of the 12-row strips' k steps in X·W and 50% in Xᵀ·δ. X·W 256×1024×784
 *       1.73 → 1.35 ms and Xᵀ·δ 784×1024×256 1.40 → 1.06 ms on 2 threads (2.97 → 2.30 and 2.45 →
 *       1.80 ms on 1), bit-identical outputs; in the reference MLP's step the first layer's
 *       forward 2.00 → 1.70 ms and gradients 1.66 → 1.42 ms (packing B, the same either way, is
 *       the rest). Dense operands pay the 64-step probe only.</li>
 *   <li>The 4×4 kernel (Zen's) skips too: run here with its blocking forced (4×64, KC 256 on
 *       this Intel), MNIST batch of 256, 2 threads, X·W 1.79 → 1.04 ms and Xᵀ·δ 1.61 → 0.80 ms
 *       (4-row strips keep 39% and 28% of the steps); not measured on a Zen core.</li>
 *   <li>The 6×2 kernel skips too (the AVX2 blocking's, 6×32 on AVX-512). Tried on Intel: a
 *       product whose A looks mostly zero run with 6-row strips (more all-zero steps: MNIST keeps
 *       44% in X·W and 34% in Xᵀ·δ against 51% and 50%; bit-identical, each C element being the
 *       same FMA chain whatever the strip height): X·W 1.07 → 1.13 ms, Xᵀ·δ 0.83 → 0.81 ms on 2
 *       threads, the 6-row kernel's lower rate per step eating the saving; not kept.</li>
 *   <li>Tried: the kernel reading an untransposed B in place (row stride n) instead of packed
 *       strips, so that X·W and Xᵀ·δ skip B's packing pass (~15% of the product): 1 / 2 threads,
 *       X·W 256×1024×784 160 → 118 / 268 → 216 GFLOP/s, Xᵀ·δ 784×1024×256 178 → 154 / 325 →
 *       270. A strip's rows 4 KB apart all fall in one L1 set (12 ways), so every B load came
 *       from L2; packing stays.</li>
 *   <li>Tried: a 14×2 kernel (28 accumulators, 31 of 32 registers): 200–226 against 12×2's
 *       191–218 in the same tile loop, within the noise; not added.</li>
 *   <li>Retried with the A-offset loop: bias + activation as an epilogue run by each tile task on
 *       its finished 96×128 region (one sigmoid call per 128-float row segment), to save the
 *       separate pass: linearForward 256×1024×1024 took 2.41 ms against 1.90 for the GEMM alone
 *       (the pass costs ~0.14 ms), as in the first try; not kept.</li>
 *   <li>Tried, within the noise (±5% between runs here) and not kept: B strips copied by a plain
 *       loop instead of System.arraycopy (slower, 131–152 against 148–162 on one thread), and the
 *       12-row A packing unrolled over twelve row bases (±2%).</li>
 *   <li>The packing dispatch ran on the caller alone when tasks × k &lt; 16384, which kept every
 *       product of the default 512-wide network on one thread (128×512×512: 327,680 floats, 120
 *       µs); counting floats instead, 128×512×512 369 → 309 µs. Then packing went into the tile
 *       tasks altogether (below).</li>
 *   <li>With one row block (m ≤ MC) each B strip has a single user, so the tile task packs its
 *       own strips (in its own core's cache, no pass of its own); only A is packed first. 2
 *       threads, two interleaved runs: 64×1024×784 569–570 → 521–523 µs, 64×1024×1024 718–732 →
 *       662–669, its δ·Wᵀ 698–716 → 665–689, 96×1024×1024 795–848 → 777–797. (Tried earlier for
 *       row blocks of up to 512 rows, where strips were packed once per row block: no gain.)</li>
 *   <li>Every strip packed by the first tile task that needs it (a claim per strip, the others
 *       wait for it): no packing dispatch, so the packing, bound by memory, overlaps the other
 *       thread's FMAs and each product has one barrier, not two. Four interleaved pairs, 2
 *       threads: the reference epoch 2.13–2.39 → 2.07–2.20 s (one pair level), the default
 *       recipe's 1.11–1.19 → 1.08–1.18 s; single products +0–10% (±5% noise); the reference step
 *       19 → 14 fork/joins.</li>
 *   <li>Tried and not kept: a sparse path for such an A (compressed rows of op(A), each nonzero a
 *       broadcast and two loads of the packed B strip into two FMAs, eight accumulator chains),
 *       a fifth of the dense work on MNIST. 2 threads, same batch, ms: X·W 1.49 with k-blocks of
 *       196, 1.17 with whole-k strips (C written once per row), against 1.26–1.30 skipping and
 *       1.51–1.65 dense; Xᵀ·δ 1.14–1.20 against 1.01–1.03 skipping. Rows of ~40–150 nonzeros run
 *       ~3 cycles per FMA here (a loop exit per row, B from L2 for X·W), and compressing A costs
 *       ~0.2 ms a product (0.3 ms before two workers' cursors were moved off one cache line);
 *       two strips per row pass were slower still (1.25 / 1.31). 0.1 ms on one product did not
 *       pay for a second product path.</li>
 *   <li>Where the time of a product went (Xeon, 2 threads, instrumented, per product): packing
 *       took 700–750 µs of the 4,400 thread-µs of 256×1024×1024 (17%; B alone ~0.38–0.47 ns per
 *       float, bound by memory: a strip-wise, a row-wise and a vector copy all ran 0.33–0.40),
 *       tasks waiting for a strip another task packs 10–60, the caller waiting at the barrier
 *       10–40; in the reference step both threads were busy 96–97% of the time in the pool. So
 *       the weights are now held in panels (see {@link PanelLayout}), which is the packed B of
 *       x·W over the whole k: x·W 256×1024×784 1676 → 1448 µs, 256×1024×1024 2011 → 1744,
 *       128×512×512 284 → 242 (KC 256, 2 threads); δ·Wᵀ packs from the panels at the speed it
 *       packed from rows (2024 / 2067). The reference epoch 2.26–2.31 → 2.14–2.16 s in two
 *       interleaved pairs, with the same bits. Reordering the claims (all of a task's strips
 *       claimed before it waits for any) took the waits to ~15 µs but not the time.</li>
 *   <li>The large MLP's products (1024×4096×4096, W 64 MB in panels): MC 96 meant eleven row
 *       blocks, each streaming all of W from memory. 2 threads, ms, MC 96 / 252 / 504 / 720:
 *       x·W 139–149 / 126–137 / 115–116 / 117, δ·Wᵀ 145–158 / 143–150 / 130 / 125; but
 *       2048³ with a row-major B (16 MB) and xᵀ·δ 4096×4096×1024 (B 16 MB) were level or slower
 *       with tall blocks (an A block past the L2). So only an op(B) over 32 MB takes row blocks
 *       as tall as one core's L2 holds their A strips (504 rows here); interleaved, 1024×4096×4096
 *       155–164 → 125 ms, δ·Wᵀ 160–168 → 137 ms; the large MLP's 8 batches 7.59–7.75 → 6.43–6.77 s.
 *       MIN_TASKS 6 or 12 instead of 24, and MC 48 to 264 for the reference MLP's products:
 *       within the noise.</li>
 *   <li>Tried: touching the next B strip from inside the kernel (one scalar load every k step,
 *       a sixteenth of a line ahead, summed into a sink), the prefetch instruction Java lacks.
 *       Tile loop with B strips streaming from L3: 157–161 → 170–182 GFLOP/s when C2 kept all
 *       accumulators in registers, but in about half the JVM runs it spilled one (the sink
 *       takes a vector register; an int sink spilled too): 112–124. Not kept.</li>
 *   <li>Sixth session, same Xeon (2 threads unless said); one measurement, then what was tried
 *       and not kept:
 *       <ul>
 *         <li>1 thread against 1 thread, 256×1024×1024: ours with W in panels 144–149
 *             GFLOP/s (96×1024×1024: 150–158), numpy/OpenBLAS SkylakeX 136–153 in the same
 *             hour, so per core the two are level (two threads: ours ×1.9, OpenBLAS
 *             ×1.9–2.1). The kernel alone, in a loop shaped like a product's task (one B strip,
 *             then the row block's A strips), ran 164–179 with its B strips from L3 and 179–189
 *             from L2.</li>
 *         <li>JDK 25 (Temurin) against 17, the whole {@code bench gemm}, interleaved: 0.95–1.05
 *             on every dense shape. C2 emits the same loop.</li>
 *         <li>Tall row blocks for every product, and then for an op(B) of at most two L2s: 1
 *             thread 256×1024×1024 3525 → 3354 µs, but on 2 threads 2048³ −3 %, 4096×4096×1024
 *             −3 %, 1024³ +5 %, and the reference epoch level in four interleaved pairs
 *             (2.15–2.33 against 2.19–2.40 s).</li>
 *         <li>KC 256 or 512 against 1024 again, x·W with W in panels: 256×1024×1024
 *             1941 / 1981 against 1871 µs, 256×1024×784 1542 / 1495 against 1440, δ·Wᵀ 2148 /
 *             2176 against 2048.</li>
 *         <li>Rows of A ordered by their first nonzero before packing, so that a 12-row strip
 *             holds images alike (MNIST batch of 256: 49.7 % → 43.7 % of the steps kept), and
 *             Xᵀ·δ's pixel rows likewise (49.1 % → 42.7 %); the orders are exact, every C element
 *             being the same k-sum. X·W 796 → 709–738 µs, Xᵀ·δ 882 → 804, before paying for
 *             the ordering and for C's scattered rows: ~1 % of the step. (3×4 pixel blocks would
 *             keep 35 %, but the GEMM cannot know A's columns are an image.)</li>
 *         <li>δ·Wᵀ computed as (W·δᵀ)ᵀ, the 12×2 kernel's broadcasts read straight from W's
 *             panels (a strip's twelve rows NR floats apart) against packed strips of δᵀ, to
 *             drop the 4 MB transposed copy of W the packed route makes every step; C's tiles
 *             went into it transposed through scratch, a block of tiles at a time (tile by tile,
 *             C's rows 4 KB apart all fell in one L1 set). The same bits. Alone, µs, packed / in
 *             place: 32×1024×1024 474 / 310, 64×1024×1024 675 / 562, 128×1024×1024 1162 / 970,
 *             160×1024×1024 1261 / 1223, 256×1024×1024 1822 / 1896, 1024×1024×1024 6858 / 7785;
 *             128×512×512 282 / 249. But inside training it lost even where it had won: the
 *             reference MLP at batch 64, median per call 823 µs packed against 877 in place, at
 *             128 1318 against 1350; the default recipe's 128×512×512 376 against 422 (under
 *             ReLU the packed route also skips ~8 % of δ's 12-row steps, all zero, which the
 *             vector side cannot). The likely cause: in a step W has left the caches since the
 *             forward pass, and a kernel call then gathers 32 runs of 1.5 KB, 128 KB apart,
 *             where the packed route streams W once (its fastest calls in training were faster,
 *             min 659 against 759 µs at batch 64, its median slower). Not kept; only the bench's
 *             small products would have gained. (A
 *             first harness of this kernel read 1 GFLOP/s: C1's code, before C2's arrived.)</li>
 *       </ul></li>
 *   <li>Seventh session, same Xeon, 2 threads; the host ran ~15 % slower in the session's second
 *       hour, so only pairs run back to back are compared. Tried and not kept:
 *       <ul>
 *         <li>Plain SGD written from inside the weight gradient's product (alpha = −lr, β = 1 into
 *             the weights' panels, the separate update rounding as one FMA so that the bits stayed
 *             the same; each layer's δ·Wᵀ taken first). The update's pass left the step, but the
 *             reference epoch was level: 2.60 s fused against 2.57 s, means of six interleaved
 *             pairs. Per call, the fused product cost what the plain one did (2211–2240 against
 *             2163–2295 µs), and the next forward product got slower (2466 against 2367 µs in one
 *             pair); a guess: the update's pass had been bringing the weights back into the caches
 *             for it.</li>
 *         <li>The tile loop turned round (each A strip past the task's B strips, not each B strip
 *             past the A strips): 256×1024×1024 with W in panels 1887 → 1722 µs in a first run,
 *             2076 → 2102 and 2073 → 2162 in two later interleaved ones, 2048³ +25 %; with KC
 *             512 or 256 it was slower still.</li>
 *         <li>KC 128 and 384 against 1024 in training: the reference epoch 2.63–2.91 and
 *             2.43–2.63 s against 2.39–2.53 s, interleaved.</li>
 *         <li>Transparent huge pages for the heap ({@code -XX:+UseTransparentHugePages}; this
 *             kernel hands them out on request only): the reference epoch's second and third
 *             epochs 2.15–2.25 s against 2.29–2.37 s in three interleaved pairs, but the first
 *             epoch up to 0.3 s slower, and the default recipe's first epoch 2.6 s against 2.0–2.1
 *             (likely the kernel compacting memory for huge pages as the heap first grows): level or
 *             slower over a three-epoch run, so the launcher does not set it.</li>
 *       </ul></li>
 *   <li>Eighth session, same Xeon, the host in a slow hour (one-thread FMA peak 205–214 GFLOP/s,
 *       ~3.3 GHz). The chain from the peak to a product, one thread, GFLOP/s: the 12×2 kernel
 *       alone ({@link CpuKernelRate}, now a table of every {@code backprop bench} run) with both
 *       strips in L1 (kc 256) 168–179; a task's tile loop at KC 1024 in L2 (8 A strips past 5 B
 *       strips) 156–174; the same with 32 B strips (4 MB, a 1024×1024 layer's W) streaming in
 *       143–153; the whole product 256×1024×1024 with W in panels 122–132 (4.07–4.42 ms). The same
 *       kernel written in C with AVX-512 intrinsics ({@code scripts/kernel-ceiling.sh}, gcc 12
 *       -O3), in the same three loops and the same hour: 177–186, 178–179, 165–167; with a
 *       prefetch of B 512 floats ahead, which Java cannot issue, 181–186, 183–185, 170–173 (a
 *       later pair of rounds, in {@code bench/results/cpu-xeon-2core-2026-12-01-s8}: Java 164–165,
 *       147–163, 139–146 against C 171–183, 170–183, 155–167). So a native kernel would gain
 *       ~0–10 % in L1 and ~8–20 % from L2 or beyond; neither reaches 90 % of the FMA peak, and
 *       the product loses another ~12 % to what surrounds the kernel (packing A, B streaming once
 *       per row block, edge strips). Kept:
 *       the short tile ({@link MicroKernel#shortTile}), which computes an edge strip of at most
 *       four rows (the leftover of m = 256, 64, 784, 1024 over 12-row strips) with a 4-row loop
 *       instead of a whole 12-row tile through scratch, with the same bits: one thread,
 *       interleaved, 64×1024×1024 1116–1142 → 1063–1086 µs, 40×1024×1024 741–753 → 682–700 µs,
 *       256×1024×1024 level (4136–4183 against 4045–4210); on two threads all three level within
 *       the noise. Tried and not kept: touching B 512 floats ahead from the Java kernel with a
 *       bounds clamp (the arrays are not padded): 139–152 against 146–167 in the streaming loop.</li>
 * </ul>
 */
public final class Gemm {

    static final int KC = 1024;
    private static final int MC = 96;
    /**
     * An op(B) larger than this streams from memory for every row block of C rather than from the
     * last-level cache: then a row block is as tall as one core's L2 holds its A strips (see
     * {@link #rowsPerBlock}).
     */
    static final long LARGE_B_BYTES = 32L << 20;
    /** The tallest row block, whatever the L2. */
    private static final int MC_MAX = 1008;
    /** Split C into at least this many tiles when the shape allows, whatever the thread count. */
    private static final int MIN_TASKS = 24;
    /** Below this many flops the dispatch costs more than it saves: run every task on the caller. */
    private static final long INLINE_FLOPS = 1L << 18;
    /** A strip whose first this-many k steps hold no all-zero one is multiplied whole. */
    private static final int DENSE_PROBE = 64;
    /** Rows of C per task of a short-k product (an even number: the kernel takes row pairs). */
    private static final int SHORT_K_ROWS = 16;
    /** Rows of C per task of a narrow product. */
    private static final int NARROW_ROWS = 32;

    private final int kcLimit;
    private final String why;
    private final MicroKernel kernel;
    private final int mr;
    private final int nr;
    private final WorkerPool pool;
    private final float[][] edgeTile;
    /** Whether A packing drops the k steps where a whole strip is zero (see {@link #dropZeroSteps}). */
    private final boolean skipZeros;
    /** One core's L2 in bytes (the A strips of a row block of a large-B product fill it), read once. */
    private static final long L2_BYTES = CpuInfo.l2Bytes(1L << 20);
    private long largeBBytes = LARGE_B_BYTES;
    /** Per A strip and k-block, the k steps its packed copy kept, laid out as packedA / MR. */
    private int[] keptSteps = new int[0];
    /** Per A strip and k-block (strip × kBlocks + block), how many steps it kept. */
    private int[] keptCount = new int[0];
    /** op(A)·B with C at most a vector wide, or null (no Vector API): then the transposed route. */
    private final NarrowKernel narrowKernel;
    /** op(B) = B of a narrow product, each row zero-padded to the narrow kernel's width. */
    private float[] paddedB = new float[0];
    private final float[][] narrowScratch;
    private long narrowProducts;

    /** Every k-block of op(A) and op(B), packed by one dispatch before the one that multiplies. */
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private float[] transposed = new float[0];
    private double[] sums = new double[0];

    // the current call, read by the task bodies (set before each dispatch, which publishes them)
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float firstBeta;
    private float[] a;
    private float[] b;
    private float[] c;
    private int kcMax;
    private int kBlocks;
    /** Per A strip, then per B strip: NOT_PACKED, PACKING (a task is at it), PACKED or FAILED. */
    private AtomicIntegerArray packState = new AtomicIntegerArray(0);
    private static final int NOT_PACKED = 0;
    private static final int PACKING = 1;
    private static final int PACKED = 2;
    /** Its packer threw: the tasks waiting for the strip must not wait forever. */
    private static final int FAILED = 3;
    private int aStrips;
    private int stripsPerBlock;
    private int mBlocks;
    private int nStrips;
    private int nChunks;
    /** Where the column sums of op(B) go (a fused bias gradient), or null. */
    private float[] columnSums;
    /** B is held in {@link PanelLayout panels} NR wide (then, untransposed, it is its own packed copy). */
    private boolean bPanel;
    /** C is held in panels NR wide: tile (r0, strip s) at s·m·NR + r0·NR, rows NR apart. */
    private boolean cPanel;

    /** Task t computes tile t, packing first what it needs that no task has packed yet. */
    private final WorkerPool.Body stepTask = this::computeTiles;
    private final WorkerPool.Body narrowTask = this::narrowRows;
    private final WorkerPool.Body narrowColumnsTask = this::narrowColumns;
    private final WorkerPool.Body shortKTask = this::shortKRows;
    private int narrowChunks;

    /** The Vector API kernels of {@code blocking} on {@code pool}; call only where the Vector API loads. */
    public static Gemm vector(WorkerPool pool, GemmBlocking blocking) {
        MicroKernel kernel = blocking.kernel();
        return new Gemm(kernel, pool, blocking.kc(), blocking.reason(), kernel.skipsZeroSteps(),
                VectorGemmKernels.narrow());
    }

    /** The scalar kernel on {@code pool}, for a JVM without the Vector API. */
    public static Gemm scalar(WorkerPool pool) {
        return new Gemm(new ScalarGemmKernel(), pool);
    }

    Gemm(MicroKernel kernel, WorkerPool pool) {
        this(kernel, pool, KC);
    }

    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit) {
        this(kernel, pool, kcLimit, null);
    }

    /** {@code why} names the CPU family the blocking was chosen for, shown by {@link #describe()}. */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why) {
        this(kernel, pool, kcLimit, why, kernel.skipsZeroSteps());
    }

    /** {@code skipZeros} false: every k step is multiplied (tests compare the two, bit for bit). */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why, boolean skipZeros) {
        this(kernel, pool, kcLimit, why, skipZeros, null);
    }

    /** {@code narrowKernel}: the path for C at most one vector wide, or null (the transposed route). */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why, boolean skipZeros, NarrowKernel narrowKernel) {
        this.narrowKernel = narrowKernel;
        this.narrowScratch = new float[pool.threads()][narrowKernel == null ? 0
                : Math.max(8 * narrowKernel.width(), NarrowKernel.CHUNK * narrowKernel.rowBlock())];
        if (skipZeros && !kernel.skipsZeroSteps()) {
            throw new IllegalArgumentException("gemm: " + kernel.describe() + " cannot skip k steps");
        }
        this.skipZeros = skipZeros;
        this.why = why;
        this.kcLimit = kcLimit;
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.pool = pool;
        this.edgeTile = new float[pool.threads()][mr * nr];
    }

    public String describe() {
        return kernel.describe() + ", KC " + kcLimit + (why == null ? "" : " (" + why + ")");
    }

    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, float[] b, float beta, float[] c) {
        multiply(transA, transB, m, n, k, alpha, a, b, beta, c, null);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], float[], float, float[])},
     * and (if {@code bColumnSums} is not null; op(B) must then be B itself) the column sums of B
     * into it: Σ_p B[p][j], summed in double in row order, as the plain bias gradient sums, so the
     * bits are the same. The sums are taken while B is packed, which reads B anyway.
     */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, float[] b, float beta, float[] c, float[] bColumnSums) {
        multiply(transA, transB, m, n, k, alpha, a, b, beta, c, bColumnSums, false, false);
    }

    /** The width of the panels this product can read B from and write C to (see {@link PanelLayout}). */
    public int panelWidth() {
        return nr;
    }

    /**
     * Whether a rows × cols weight matrix held in panels goes through the blocked path (the only
     * one that reads panels) in all three of its products: x·W (B in panels, n = cols), δ·Wᵀ (B
     * transposed, n = rows, k = cols) and xᵀ·δ (C in panels, n = cols). So: whole strips, and
     * neither dimension narrow enough for the narrow or transposed routes.
     */
    public boolean takesPanels(int rows, int cols) {
        return PanelLayout.fits(cols, nr) && blocked(cols) && blocked(rows);
    }

    /** Whether this product, with B and/or C in panels, takes the blocked path that reads them. */
    public boolean readsPanels(boolean transA, boolean transB, int n, int k, float alpha, boolean bPanel,
                               boolean cPanel) {
        return alpha != 0 && blocked(n) && (!cPanel || PanelLayout.fits(n, nr))
                && (!bPanel || PanelLayout.fits(transB ? k : n, nr))
                && !(narrowKernel != null && !transA && transB && k <= NarrowKernel.SHORT_K);
    }

    /** Whether a product with C n columns wide (and k &gt; {@link NarrowKernel#SHORT_K}) takes the blocked path. */
    private boolean blocked(int n) {
        return 2 * n > nr && (narrowKernel == null || n > narrowWidth());
    }

    /**
     * The widest C the narrow paths take: a vector, and at least {@link NarrowKernel#COLUMNS_MAX}
     * (A·B then holds a row of C in two vectors; Aᵀ·B takes C's columns {@link NarrowKernel#CHUNK}
     * at a time whatever the width). On 8-lane AVX2 vectors the output layer's 10 columns had gone
     * to the tiled route: 0.36–0.71× OpenBLAS's Haswell kernel there.
     */
    private int narrowWidth() {
        return Math.max(narrowKernel.width(), NarrowKernel.COLUMNS_MAX);
    }

    /**
     * As the other multiply, with B ({@code bPanel}) and/or C ({@code cPanel}) held in panels NR wide
     * ({@link PanelLayout}, over B's or C's own rows): an untransposed B in panels is read in
     * place, a transposed one is packed from its panels, and C's tiles are stored into its
     * panels. The floats added, and their order, are those of the row-major product.
     */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                         float beta, float[] c, float[] bColumnSums, boolean bPanel, boolean cPanel) {
        if ((bPanel || cPanel) && ((bPanel && bColumnSums != null) || !readsPanels(transA, transB, n, k, alpha, bPanel, cPanel))) {
            throw new IllegalArgumentException("gemm: operands in panels need the blocked path, and "
                    + m + "x" + n + "x" + k + (alpha == 0 ? " with alpha 0" : "") + " does not take it");
        }
        this.bPanel = bPanel;
        this.cPanel = cPanel;
        if (bColumnSums != null && transB) {
            throw new IllegalArgumentException("gemm: column sums of a transposed B are not taken while packing");
        }
        boolean narrow = narrowKernel != null && !transB && n <= narrowWidth()
                && m >= (transA ? narrowKernel.rowBlock() : nr);
        if (narrowKernel != null && !transA && transB && k <= NarrowKernel.SHORT_K && alpha != 0 && n >= nr && m >= 2) {
            multiplyShortK(m, n, k, alpha, a, b, beta, c);
            return;
        }
        if (alpha == 0 || narrow || (2 * n <= nr && m >= nr)) {
            if (alpha == 0) {
                scaleC(m * n, beta, c);
            } else if (narrow && transA) {
                multiplyNarrowTransposed(m, n, k, alpha, a, b, beta, c);
            } else if (narrow) {
                multiplyNarrow(m, n, k, alpha, a, b, beta, c);
            } else {
                multiplyTransposed(transA, transB, m, n, k, alpha, a, b, beta, c);
            }
            if (bColumnSums != null) {
                ColumnSums.biasGradient(b, k, n, 0, n, 0f, bColumnSums, sums(n));
            }
            return;
        }
        this.columnSums = bColumnSums;
        if (bColumnSums != null) {
            sums(n);
        }
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.b = b;
        this.c = c;
        this.aStrips = ceilDiv(m, mr);
        int kBlocks = ceilDiv(k, kcLimit);
        this.kcMax = ceilDiv(k, kBlocks);
        this.mBlocks = ceilDiv(aStrips, rowsPerBlock((long) k * n * 4, kcMax) / mr);
        this.stripsPerBlock = ceilDiv(aStrips, mBlocks);
        this.mBlocks = ceilDiv(aStrips, stripsPerBlock);
        this.nStrips = ceilDiv(n, nr);
        this.nChunks = Math.min(nStrips, Math.max(1, ceilDiv(MIN_TASKS, mBlocks)));
        this.firstBeta = beta;
        this.kBlocks = kBlocks;
        // k-block kb of the strips sits at offset (strips × width × pc): one array for all blocks
        long needB = (long) nStrips * nr * k;
        long needA = (long) aStrips * mr * k;
        if (needA > Integer.MAX_VALUE - 8 || needB > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: packed operands of " + m + "x" + k + " and " + k + "x" + n
                    + " exceed a Java array");
        }
        if (packedB.length < needB && !(bPanel && !transB)) {
            packedB = new float[(int) needB];
        }
        if (packedA.length < needA) {
            packedA = new float[(int) needA];
        }
        if (skipZeros && keptSteps.length < needA / mr) {
            keptSteps = new int[(int) (needA / mr)];
        }
        if (skipZeros && keptCount.length < aStrips * kBlocks) {
            keptCount = new int[aStrips * kBlocks];
        }
        boolean inline = 2L * m * n * k < INLINE_FLOPS;
        int strips = aStrips + nStrips;
        if (packState.length() < strips) {
            packState = new AtomicIntegerArray(strips);
        }
        for (int i = 0; i < strips; i++) {
            packState.set(i, i >= aStrips && bPanel && !transB ? PACKED : NOT_PACKED);
        }
        try {
            // one dispatch: each strip is packed by the first tile task that needs it, while the
            // other threads compute (see ensurePacked)
            pool.run(mBlocks * nChunks, stepTask, inline);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
            this.columnSums = null;
        }
    }

    /**
     * Rows of C per row block: MC, or for an op(B) of more than {@link #LARGE_B_BYTES} as many as
     * fill one core's L2 with their packed A strips at this k-block length (each row block reads
     * all of op(B) once, so taller blocks read it from memory fewer times). Depends on the shape
     * and the CPU only, never on the thread count.
     */
    int rowsPerBlock(long bBytes, int kc) {
        if (bBytes <= largeBBytes) {
            return MC;
        }
        long strips = L2_BYTES / ((long) kc * mr * Float.BYTES);
        return (int) Math.max(MC / mr * mr, Math.min(MC_MAX / mr * mr, strips * mr));
    }

    /** Tests: treat an op(B) of more than {@code bytes} as large (so small products take tall row blocks). */
    void largeOperandBytes(long bytes) {
        this.largeBBytes = bytes;
    }

    private double[] sums(int n) {
        if (sums.length < n) {
            sums = new double[n];
        }
        return sums;
    }

    /**
     * A·B with C at most one vector wide (see {@link NarrowKernel}): B's rows padded to a vector, then row
     * groups of C in parallel, each row one in-order k-sum (so independent of the thread count).
     */
    private void multiplyNarrow(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        int w = narrowKernel.rowsStride(n);
        if ((long) k * w > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a padded " + k + "x" + n + " B exceeds a Java array");
        }
        if (paddedB.length < k * w) {
            paddedB = new float[k * w];
        }
        narrowProducts++;
        float[] pb = paddedB;
        for (int p = 0; p < k; p++) {
            int d = p * w;
            System.arraycopy(b, p * n, pb, d, n);
            for (int j = n; j < w; j++) {
                pb[d + j] = 0f;
            }
        }
        runNarrow(m, n, k, alpha, a, beta, c, ceilDiv(m, NARROW_ROWS), narrowTask);
    }

    /** One dispatch of a narrow path's tasks over C, the call's operands published to them. */
    private void runNarrow(int m, int n, int k, float alpha, float[] a, float beta, float[] c, int tasks,
                           WorkerPool.Body body) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.firstBeta = beta;
        this.a = a;
        this.c = c;
        try {
            pool.run(tasks, body, 2L * m * n * k < INLINE_FLOPS);
        } finally {
            this.a = null;
            this.c = null;
        }
    }

    /**
     * Aᵀ·B with C at most one vector wide (the output layer's weight gradient): B's columns packed
     * {@link NarrowKernel#CHUNK} at a time, then blocks of C's rows × column chunks in parallel,
     * each element one in-order k-sum (so independent of the thread count).
     */
    private void multiplyNarrowTransposed(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                                          float[] c) {
        int chunk = NarrowKernel.CHUNK;
        int chunks = ceilDiv(n, chunk);
        if ((long) chunks * k * chunk > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a padded " + k + "x" + n + " B exceeds a Java array");
        }
        if (paddedB.length < chunks * k * chunk) {
            paddedB = new float[chunks * k * chunk];
        }
        narrowProducts++;
        float[] pb = paddedB;
        for (int q = 0; q < chunks; q++) {
            for (int p = 0; p < k; p++) {
                int d = (q * k + p) * chunk;
                for (int j = 0; j < chunk; j++) {
                    int col = q * chunk + j;
                    pb[d + j] = col < n ? b[p * n + col] : 0f;
                }
            }
        }
        this.narrowChunks = chunks;
        runNarrow(m, n, k, alpha, a, beta, c, ceilDiv(m, narrowKernel.rowBlock()) * chunks, narrowColumnsTask);
    }

    /**
     * A·Bᵀ with k at most {@link NarrowKernel#SHORT_K} (the output layer's δ·Wᵀ): Bᵀ written out
     * row-major with a zero row after it, then row pairs of C in parallel, each element one in-order
     * k-sum.
     */
    private void multiplyShortK(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        if ((long) (k + 1) * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a " + k + "x" + n + " Bᵀ exceeds a Java array");
        }
        if (paddedB.length < (k + 1) * n) {
            paddedB = new float[(k + 1) * n];
        }
        narrowProducts++;
        float[] bt = paddedB;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bt[p * n + j] = b[j * k + p];
            }
        }
        java.util.Arrays.fill(bt, k * n, (k + 1) * n, 0f);
        runNarrow(m, n, k, alpha, a, beta, c, ceilDiv(m, SHORT_K_ROWS), shortKTask);
    }

    private void shortKRows(int task, int worker) {
        int r0 = task * SHORT_K_ROWS;
        narrowKernel.shortK(r0, Math.min(m, r0 + SHORT_K_ROWS), k, a, paddedB, c, n, alpha, firstBeta);
    }

    private void narrowColumns(int task, int worker) {
        int block = narrowKernel.rowBlock();
        int i0 = task / narrowChunks * block;
        narrowKernel.columns(i0, Math.min(m, i0 + block), task % narrowChunks, k, m, a, paddedB, c, n, alpha, firstBeta,
                narrowScratch[worker]);
    }

    private void narrowRows(int task, int worker) {
        int r0 = task * NARROW_ROWS;
        narrowKernel.rows(r0, Math.min(m, r0 + NARROW_ROWS), k, a, paddedB, c, n, alpha, firstBeta,
                narrowScratch[worker]);
    }

    /**
     * A C only a few columns wide would fill a fraction of each NR-wide tile, so compute Cᵀ =
     * op(B)ᵀ·op(A)ᵀ (wide) into scratch and transpose it into C. Chosen from the shape alone, and
     * each element is still one in-order k-sum, so results stay independent of the thread count.
     */
    private void multiplyTransposed(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, float[] b, float beta, float[] c) {
        if (transposed.length < m * n) {
            transposed = new float[m * n];
        }
        float[] t = transposed;
        multiply(!transB, !transA, n, m, k, 1f, b, a, 0f, t);
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int j = 0; j < n; j++) {
                float v = alpha * t[j * m + i];
                c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
            }
        }
    }

    private static void scaleC(int size, float beta, float[] c) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0 ? 0f : beta * c[i];
        }
    }

    /** Packs strip i (A strips first, then B) for every k-block. */
    private void packStrip(int i) {
        for (int kb = 0; kb < kBlocks; kb++) {
            int pc = kb * kcMax;
            int kc = Math.min(kcMax, k - pc);
            if (i < aStrips) {
                int block = aStrips * mr * pc;
                packAStrip(packedA, block, i, pc, kc);
                if (skipZeros) {
                    keptCount[i * kBlocks + kb] = dropZeroSteps(packedA, block + i * mr * kc, kc);
                }
            } else {
                packBStrip(packedB, nStrips * nr * pc, i - aStrips, pc, kc);
                if (columnSums != null) {
                    addColumnSums(i - aStrips, pc, kc, kb == 0, kb == kBlocks - 1);
                }
            }
        }
    }

    /** Packs strip i unless another task has claimed it; returns without waiting for that task. */
    private void claimAndPack(int i) {
        if (packState.get(i) == NOT_PACKED && packState.compareAndSet(i, NOT_PACKED, PACKING)) {
            try {
                packStrip(i);
            } catch (RuntimeException | Error e) {
                packState.set(i, FAILED);
                throw e;
            }
            packState.set(i, PACKED);
        }
    }

    /** Strip i is packed when this returns: by this task, or by the one that claimed it first. */
    private void ensurePacked(int i) {
        claimAndPack(i);
        for (int state = packState.get(i); state != PACKED; state = packState.get(i)) {
            if (state == FAILED) {
                throw new IllegalStateException("gemm: packing an operand strip failed in another task");
            }
            Thread.onSpinWait();
        }
    }

    /** Adds rows pc..pc+kc of strip s's columns of B to the running double sums, in row order. */
    private void addColumnSums(int s, int pc, int kc, boolean first, boolean last) {
        int j0 = s * nr;
        int j1 = Math.min(n, j0 + nr);
        double[] acc = sums;
        if (first) {
            for (int j = j0; j < j1; j++) {
                acc[j] = 0;
            }
        }
        ColumnSums.addColumns(b, n, pc, pc + kc, j0, j1, acc);
        if (last) {
            for (int j = j0; j < j1; j++) {
                columnSums[j] = (float) acc[j];
            }
        }
    }

    /** Packs strip s of op(B)[pc..pc+kc) into kc rows of nr contiguous floats, zero-padded, from {@code block}. */
    private void packBStrip(float[] dst, int block, int s, int pc, int kc) {
        int j0 = s * nr;
        int w = Math.min(nr, n - j0);
        int base = block + s * nr * kc;
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                System.arraycopy(b, (pc + p) * n + j0, dst, d, w);
                for (int j = w; j < nr; j++) {
                    dst[d + j] = 0f;
                }
            }
        } else if (bPanel) {
            packTransposedFromPanels(dst, base, j0, w, pc, kc);
        } else {
            // op(B)[p][j] = B[j][p]: read four rows of B side by side, write four floats per k step
            int j = 0;
            for (; j + 4 <= w; j += 4) {
                int s0 = (j0 + j) * k + pc;
                int s1 = s0 + k;
                int s2 = s1 + k;
                int s3 = s2 + k;
                int d = base + j;
                for (int p = 0; p < kc; p++, d += nr) {
                    dst[d] = b[s0 + p];
                    dst[d + 1] = b[s1 + p];
                    dst[d + 2] = b[s2 + p];
                    dst[d + 3] = b[s3 + p];
                }
            }
            for (; j < w; j++) {
                int src = (j0 + j) * k + pc;
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = b[src + p];
                }
            }
            for (j = w; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = 0f;
                }
            }
        }
    }

    /**
     * op(B) = Bᵀ for a B (n × k) held in panels nr wide: B[j][p] sits at (p / nr)·n·nr + j·nr + p mod nr,
     * so the packed strip's column j0 + jj, k steps pc..pc+kc, is a run of row j0 + jj of each panel
     * the steps cross. Four such rows read side by side, four floats written per k step, as for a
     * row-major Bᵀ; columns past w are zero.
     */
    private void packTransposedFromPanels(float[] dst, int base, int j0, int w, int pc, int kc) {
        for (int p0 = pc, end = pc + kc; p0 < end; ) {
            int q = p0 / nr;
            int p1 = Math.min(end, (q + 1) * nr);
            int panelRow = q * n * nr - q * nr;
            int d0 = base + (p0 - pc) * nr;
            int j = 0;
            for (; j + 4 <= w; j += 4) {
                int s0 = panelRow + (j0 + j) * nr;
                int s1 = s0 + nr;
                int s2 = s1 + nr;
                int s3 = s2 + nr;
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = b[s0 + p];
                    dst[d + 1] = b[s1 + p];
                    dst[d + 2] = b[s2 + p];
                    dst[d + 3] = b[s3 + p];
                }
            }
            for (; j < w; j++) {
                int src = panelRow + (j0 + j) * nr;
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = b[src + p];
                }
            }
            for (j = w; j < nr; j++) {
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = 0f;
                }
            }
            p0 = p1;
        }
    }

    /** Packs rows of strip s of op(A)[.., pc..pc+kc) as mr-row strips, k-major, zero-padded. */
    private void packAStrip(float[] dst, int block, int s, int pc, int kc) {
        int r0 = s * mr;
        int h = Math.min(mr, m - r0);
        int base = block + s * mr * kc;
        if (!transA && h == mr && mr == 4) {
            // the strip's four rows read side by side, four contiguous floats written per k step
            int s0 = r0 * k + pc;
            int s1 = s0 + k;
            int s2 = s1 + k;
            int s3 = s2 + k;
            for (int p = 0, d = base; p < kc; p++, d += 4) {
                dst[d] = a[s0 + p];
                dst[d + 1] = a[s1 + p];
                dst[d + 2] = a[s2 + p];
                dst[d + 3] = a[s3 + p];
            }
        } else if (!transA) {
            // the strip's rows read side by side (h streams), mr contiguous floats written per k step
            int s0 = r0 * k + pc;
            for (int p = 0, d = base; p < kc; p++, d += mr) {
                for (int r = 0, src = s0 + p; r < h; r++, src += k) {
                    dst[d + r] = a[src];
                }
            }
        } else if (h == mr && mr == 4) {
            // op(A)[i][p] = A[p][i]: each k step is a contiguous run of the strip's rows
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * m + r0;
                int d = base + p * 4;
                dst[d] = a[src];
                dst[d + 1] = a[src + 1];
                dst[d + 2] = a[src + 2];
                dst[d + 3] = a[src + 3];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, (pc + p) * m + r0, dst, base + p * mr, h);
            }
        }
        for (int r = h; r < mr; r++) {
            for (int p = 0; p < kc; p++) {
                dst[base + p * mr + r] = 0f;
            }
        }
    }

    /** How many products took the narrow path so far. */
    long narrowProducts() {
        return narrowProducts;
    }

    /** How many k steps of A strips the last product dropped as all zero (0 when not skipping). */
    long droppedSteps() {
        long dropped = 0;
        for (int kb = 0; skipZeros && kb < kBlocks; kb++) {
            int kc = Math.min(kcMax, k - kb * kcMax);
            for (int s = 0; s < aStrips; s++) {
                dropped += kc - keptCount[s * kBlocks + kb];
            }
        }
        return dropped;
    }

    /**
     * Drops from the packed strip at {@code base} (kc steps of mr floats) the steps whose mr values
     * are all zero, moving the kept ones to the front and listing their step numbers in
     * {@link #keptSteps} at base / mr; returns how many were kept (kc: left dense, nothing listed).
     * An input like MNIST's (81% zeros) keeps about half of the 12-row strips' steps, in both its
     * products (X·W and Xᵀ·δ). The result has the same bits as multiplying every step: a dropped
     * step adds 0·b = ±0 to each sum, which changes no sum (it starts at +0 and cannot become −0),
     * unless b is infinite or NaN, which the dropped step then does not spread. A strip whose first
     * {@link #DENSE_PROBE} steps are all kept is taken as dense and not searched further, so dense
     * operands pay only that probe.
     */
    private int dropZeroSteps(float[] dst, int base, int kc) {
        int[] steps = keptSteps;
        int listed = base / mr;
        int kept = 0;
        for (int p = 0; p < kc; p++) {
            int d = base + p * mr;
            int bits = 0;
            for (int r = 0; r < mr; r++) {
                bits |= Float.floatToRawIntBits(dst[d + r]);
            }
            if ((bits & 0x7fffffff) == 0) {
                continue;
            }
            if (kept == p && p + 1 == DENSE_PROBE) {
                return kc;
            }
            if (kept != p) {
                System.arraycopy(dst, d, dst, base + kept * mr, mr);
            }
            steps[listed + kept++] = p;
        }
        return kept;
    }

    /** Task {@code task}'s tiles through every k-block, in k order (the sum order of each C element). */
    private void computeTiles(int task, int worker) {
        // this task's B strips (tasks of other row blocks share them), then its row block's A
        // strips, packed by whichever tasks of the block get to them first
        int mb = task / nChunks;
        int chunk = task % nChunks;
        int s0 = (int) ((long) chunk * nStrips / nChunks);
        int s1 = (int) ((long) (chunk + 1) * nStrips / nChunks);
        for (int s = s0; s < s1; s++) {
            ensurePacked(aStrips + s);
        }
        int as0 = mb * stripsPerBlock;
        int as1 = Math.min(aStrips, as0 + stripsPerBlock);
        for (int as = as0; as < as1; as++) {
            claimAndPack(as);
        }
        for (int as = as0; as < as1; as++) {
            ensurePacked(as);
        }
        for (int kb = 0; kb < kBlocks; kb++) {
            computeTile(task, worker, kb);
        }
    }

    private void computeTile(int task, int worker, int kb) {
        int pc = kb * kcMax;
        int kc = Math.min(kcMax, k - pc);
        float beta = kb == 0 ? firstBeta : 1f;
        float[] pa = packedA;
        boolean inPlace = bPanel && !transB;
        float[] pb = inPlace ? b : packedB;
        int aBlock = aStrips * mr * pc;
        int bBlock = nStrips * nr * pc;
        int mb = task / nChunks;
        int chunk = task % nChunks;
        int as0 = mb * stripsPerBlock;
        int as1 = Math.min(aStrips, as0 + stripsPerBlock);
        // strips spread evenly over the chunks (sizes differ by at most one), so tasks are alike
        int s0 = (int) ((long) chunk * nStrips / nChunks);
        int s1 = (int) ((long) (chunk + 1) * nStrips / nChunks);
        for (int s = s0; s < s1; s++) {
            int j0 = s * nr;
            int w = Math.min(nr, n - j0);
            // a B in panels is strip s whole, k rows of nr floats: its k-block starts pc rows in
            int bOff = inPlace ? s * nr * k + pc * nr : bBlock + s * nr * kc;
            // C in panels: the tile's rows are nr floats apart inside strip s
            int ldc = cPanel ? nr : n;
            int cStrip = cPanel ? s * m * nr : j0;
            for (int as = as0; as < as1; as++) {
                int r0 = as * mr;
                int h = Math.min(mr, m - r0);
                int aOff = aBlock + as * mr * kc;
                int kept = skipZeros ? keptCount[as * kBlocks + kb] : kc;
                if (h == mr && w == nr) {
                    tile(kc, kept, pa, aOff, pb, bOff, c, cStrip + r0 * ldc, ldc, alpha, beta);
                } else if (w == nr && h <= kernel.shortRows() && kept == kc) {
                    kernel.shortTile(h, kc, pa, aOff, pb, bOff, c, cStrip + r0 * ldc, ldc, alpha, beta);
                } else {
                    float[] t = edgeTile[worker];
                    tile(kc, kept, pa, aOff, pb, bOff, t, 0, nr, 1f, 0f);
                    for (int r = 0; r < h; r++) {
                        int ci = cStrip + (r0 + r) * ldc;
                        for (int j = 0; j < w; j++) {
                            float v = alpha * t[r * nr + j];
                            c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
                        }
                    }
                }
            }
        }
    }

    /** One tile over all kc steps of the packed strip, or over the {@code kept} ones it lists. */
    private void tile(int kc, int kept, float[] pa, int aOff, float[] pb, int bOff, float[] out, int off, int ld,
                      float alpha, float beta) {
        if (kept == kc) {
            kernel.tile(kc, pa, aOff, pb, bOff, out, off, ld, alpha, beta);
        } else {
            kernel.tile(kept, keptSteps, aOff / mr, pa, aOff, pb, bOff, out, off, ld, alpha, beta);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
