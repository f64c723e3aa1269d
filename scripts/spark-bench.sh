#!/usr/bin/env bash
# Measures Spark data-parallel training against single-process training on this machine's cores
# (SparkBench: samples/s for 1 and 2 local executor threads, per-step Spark overhead) and prints a
# Markdown table with the load average. Arguments: [rows] [batch] [epochs] [hidden,hidden].
# Run it on a quiet machine; it takes a few minutes with the defaults.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spark_jar=$(ls "$here"/spark/target/backprop-spark-*.jar 2>/dev/null | grep -v -e submit -e sources -e tests | head -n 1 || true)
if [ -z "$spark_jar" ] || [ ! -d "$here/spark/target/lib" ] || [ ! -d "$here/cli/target/lib" ]; then
  (cd "$here" && mvn -B -q -ntp -DskipTests package) >&2
  spark_jar=$(ls "$here"/spark/target/backprop-spark-*.jar | grep -v -e submit -e sources -e tests | head -n 1)
fi
# the JVM options Spark needs on Java 17+, as the build wrote them (spark.java.args in pom.xml)
read -r -a opens < "$here/spark/target/classes/org/backprop/spark/spark-java-options"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" --add-modules jdk.incubator.vector "${opens[@]}" -Xmx6g \
  -Dlog4j2.configurationFile=org/backprop/spark/log4j2-quiet.properties \
  -cp "$spark_jar:$here/cli/target/lib/*:$here/spark/target/lib/*" org.backprop.spark.SparkBench "$@"
