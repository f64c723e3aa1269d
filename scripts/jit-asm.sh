#!/usr/bin/env bash
# The x86 code C2 emits for one method, disassembled: how the kernel-loop notes in docs/performance/gemm.md
# (broadcasts from memory, range checks, spills) were read. Debian's hsdis plugin lacks the entry
# point JDK 17 calls, so PrintAssembly prints the code as hex; this takes the last C2 compile of
# the method (not an on-stack-replacement one), rebuilds its bytes and runs objdump on them.
#
#   scripts/jit-asm.sh 'org.backprop.cpu.gemm.VectorGemmKernel12x2::store' [threads...]
#
# The workload is cpu-fallback's GemmBench (test classpath); build first with
# `mvn -B -ntp -q -pl core,cpu-fallback -am test-compile`. Needs java, objdump and python3.
# Prints the disassembly, then a count of the FMAs, broadcasts and stack accesses in it.
set -euo pipefail
cd "$(dirname "$0")/.."
method=${1:?usage: scripts/jit-asm.sh CLASS::METHOD [GemmBench threads...]}
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# cpu-fallback's own dependencies are core's (its runtime classpath) and the test libraries
mvn -B -ntp -q -o -pl core dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/cp" \
  >/dev/null 2>&1 || mvn -B -ntp -q -pl core dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$out/cp" >/dev/null
cp="core/target/classes:cpu-fallback/target/classes:cpu-fallback/target/test-classes:$(cat "$out/cp")"
java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions "-XX:CompileCommand=print,$method" \
  -cp "$cp" org.backprop.cpu.GemmBench "${@:-1}" > "$out/print.txt" 2>&1
python3 - "$method" "$out" <<'PY'
import re, sys
method, out = sys.argv[1], sys.argv[2]
short = method.split('.')[-1]
lines = open(out + '/print.txt', errors='replace').read().split('\n')
starts = [i for i, l in enumerate(lines) if 'Compiled method (c2)' in l and short in l and ' % ' not in l]
if not starts:
    sys.exit('jit-asm: no C2 compile of %s in the run (is the name right, and is it hot?)' % method)
i = starts[-1]
j = i + 1
while j < len(lines) and 'Compiled method' not in lines[j]:
    j += 1
seg = lines[i:j]
main = [l for l in seg if 'main code' in l][0]
lo, hi = [int(x, 16) for x in re.findall(r'0x([0-9a-f]+)', main)]
code = {}
for l in seg:
    m = re.match(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8} ?\|? ?)+)\s*$', l)
    if m:
        addr = int(m.group(1), 16)
        for k, v in enumerate(bytes.fromhex(''.join(m.group(2).replace('|', '').split()))):
            code[addr + k] = v
open(out + '/code.bin', 'wb').write(bytes(code.get(a, 0) for a in range(lo, hi)))
PY
objdump -D -b binary -mi386:x86-64 -M intel "$out/code.bin" | cut -f3 | grep -v '^$' | tee "$out/code.s"
printf '\n%s: %s FMAs, %s broadcasts, %s instructions touching the stack\n' "$method" \
  "$(grep -c vfmadd "$out/code.s" || true)" "$(grep -c vbroadcast "$out/code.s" || true)" \
  "$(grep -c 'rsp' "$out/code.s" || true)"
