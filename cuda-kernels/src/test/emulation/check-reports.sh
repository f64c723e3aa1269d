#!/usr/bin/env bash
# Fails the build when any JVM that ran on the emulated driver left a misuse, a live allocation or a live stream, graph or pinned buffer
# (each writes driver-PID.txt at exit into the folder given). No reports: nothing ran emulated.
set -euo pipefail
dir="${1:?usage: check-reports.sh REPORT_DIR}"
shopt -s nullglob
reports=("$dir"/driver-*.txt)
if [ ${#reports[@]} -eq 0 ]; then
    echo "emulated CUDA driver: no reports in $dir (nothing ran on it)"
    exit 0
fi
bad=0
for r in "${reports[@]}"; do
    misuses="$(awk '$1 == "misuses" { print $2 }' "$r")"
    live="$(awk '$1 == "live_allocations" { print $2 }' "$r")"
    handles="$(awk '$1 == "live_handles" { print $2 }' "$r")"
    launches="$(awk '$1 == "launches" { print $2 }' "$r")"
    graphs="$(awk '$1 == "graph_launches" { print $2 }' "$r")"
    echo "emulated CUDA driver: $(basename "$r"): $launches launches ($graphs graph launches), $misuses misuses, $live live allocations, $handles live streams/graphs/pinned buffers at exit"
    if [ "$misuses" != "0" ] || [ "$live" != "0" ] || [ "${handles:-0}" != "0" ]; then
        grep '^first_misuse' "$r" || true
        bad=1
    fi
done
if [ "$bad" -ne 0 ]; then
    echo "emulated CUDA driver: a test JVM misused the driver or leaked device memory or handles (see above)" >&2
    exit 1
fi
