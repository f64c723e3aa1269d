#!/usr/bin/env bash
# Fuzzes the file readers with Jazzer, each for a set time, and prints how many inputs each ran.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 300 s for each of the four targets
# A finding (an input that neither loads nor is refused with our own exception) is written by
# Jazzer into the target's seed directory, core/src/test/resources/org/backprop/<pkg>/<Target>Inputs/fuzz/,
# and then replays in every `mvn verify` until it is fixed. The corpus Jazzer grows while fuzzing
# stays in core/.cifuzz-corpus (not committed); later runs start from it.
set -euo pipefail
seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(IdxReaderFuzzTest CsvReaderFuzzTest NpzFuzzTest CheckpointFuzzTest)
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p core/target
status=0
for t in "${targets[@]}"; do
  log="core/target/fuzz-$t.log"
  if JAZZER_FUZZ=1 mvn -B -ntp -pl core test -Dtest="$t" -Djazzer.max_duration="${seconds}s" \
      -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1; then
    result="clean"
  else
    result="FINDING (see $log)"
    status=1
  fi
  runs=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || true)
  echo "$t: ${runs:-no run count in $log}; $result"
done
exit $status
