#!/usr/bin/env bash
# Per-job Spark overhead and samples/s of `backprop train` in one process, on local[2] and on a
# standalone cluster on loopback (a Master and two Workers of 1 core and 1 GiB, started here from the
# build's Spark jars and stopped by their pids at exit), synchronous and with --sync-every 8 and 32.
# Prints a Markdown table with the load average before and after. Arguments:
#   [epochs] [batch] [hidden,hidden] [data]   (default 3 128 512,512 mnist-sample)
# Samples/s is the last epoch's (the first includes starting executors and shipping the data); the
# overhead is Spark's jobs' wall time less their slowest partition's compute, per job, over the run.
# Run it on a quiet machine: it takes several minutes with the defaults.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-3}"; batch="${2:-128}"; layers="${3:-512,512}"; data="${4:-mnist-sample}"
spark_jar=$(ls "$here"/spark/target/backprop-spark-*.jar 2>/dev/null | grep -v -e submit -e sources -e tests | head -n 1 || true)
if [ -z "$spark_jar" ] || [ ! -d "$here/spark/target/lib" ] || [ ! -f "$here/cli/target/backprop.jar" ]; then
  (cd "$here" && mvn -B -q -ntp -DskipTests package) >&2
  spark_jar=$(ls "$here"/spark/target/backprop-spark-*.jar | grep -v -e submit -e sources -e tests | head -n 1)
fi
lib="$here/spark/target/lib"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# the JVM options Spark needs on Java 17, as the driver gives them to its executors
read -r -a opts <<< "$("$java_bin" -cp "$spark_jar" org.backprop.spark.SparkJavaOptions)"
scala=$(ls "$lib"/spark-core_*.jar | head -n 1 | sed -E 's/.*spark-core_([0-9.]+)-.*/\1/')

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    pkill -9 -P "$pid" 2>/dev/null || true   # a Worker's executors
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
mkdir -p "$tmp/spark-home/jars"
ln -s "$lib"/*.jar "$tmp/spark-home/jars/"
export SPARK_HOME="$tmp/spark-home" SPARK_SCALA_VERSION="$scala" SPARK_LOCAL_IP=127.0.0.1
unset SPARK_CONF_DIR
port=$(free_port)
master="spark://127.0.0.1:$port"
"$java_bin" -Xmx256m "${opts[@]}" -cp "$lib/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
  --port "$port" --webui-port "$(free_port)" > "$tmp/master.log" 2>&1 &
pids+=($!); disown "$!"   # no "Killed" lines from bash when they are stopped
for i in 1 2; do
  mkdir -p "$tmp/work-$i"
  "$java_bin" -Xmx256m "${opts[@]}" -cp "$lib/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --port "$(free_port)" --webui-port "$(free_port)" --cores 1 --memory 1g --work-dir "$tmp/work-$i" \
    "$master" > "$tmp/worker-$i.log" 2>&1 &
  pids+=($!); disown "$!"
done
for _ in $(seq 600); do
  [ "$(grep -c 'Registering worker' "$tmp/master.log" 2>/dev/null || true)" -ge 2 ] && break
  sleep 0.2
done
grep -q 'Registering worker' "$tmp/master.log" || { cat "$tmp"/*.log >&2; echo "the cluster did not start" >&2; exit 1; }

run() {  # label, extra arguments
  local label="$1"; shift
  local out
  out=$("$here/backprop" train --data "$data" --layers "$layers" --epochs "$epochs" --batch "$batch" \
    --backend cpu --progress=false "$@" 2>&1) || { echo "$out" >&2; echo "failed: $label" >&2; exit 1; }
  local rate jobs overhead
  rate=$(echo "$out" | grep -E "^epoch $epochs/$epochs " | sed -E 's/.* ([0-9]+)\/s$/\1/')
  jobs=$(echo "$out" | sed -nE 's/^spark: ([0-9]+) jobs for .*/\1/p')
  overhead=$(echo "$out" | sed -nE 's/.*, ([0-9.]+) ms per job outside compute.*/\1 ms/p')
  echo "| $label | $rate | ${jobs:-–} | ${overhead:-–} |"
}
echo "# backprop train --data $data --layers $layers --epochs $epochs --batch $batch --backend cpu ($(nproc) cores)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | samples/s (epoch $epochs) | Spark jobs | per job outside compute |"
echo "| --- | --- | --- | --- |"
run "one process"
for k in 1 8 32; do
  mode=$([ "$k" = 1 ] && echo "synchronous" || echo "sync every $k")
  run "local[2], $mode" --master 'local[2]' --sync-every "$k"
done
for k in 1 8 32; do
  mode=$([ "$k" = 1 ] && echo "synchronous" || echo "sync every $k")
  run "standalone, 2 Workers, $mode" --master "$master" --sync-every "$k"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
