#!/usr/bin/env bash
# Builds, on a machine with Maven and a JDK, everything a GPU machine needs to verify Backprop
# without building anything there, in ONE ignored folder, .device/, to be carried with the device
# tool's `run` (see scripts/README-device.md; scripts/device-run.sh is what runs there).
#
#   scripts/device-prepare.sh            build (tests skipped) and assemble .device/
#   SKIP_BUILD=1 scripts/device-prepare.sh   reassemble from the existing target/ folders
#
# .device/ holds:
#   jre.tar.xz        a trimmed Java runtime (jlink), unpacked to /tmp by device-run.sh: the GPU
#                     machine may have no Java. xz because the runtime is ~90 MB unpacked and the
#                     carried tree is limited to 64 MiB in all.
#   lib/              the command line's jar and every runtime jar (cli/target/lib)
#   test/             the cuda-kernels and cli test classes as jars, the JUnit console launcher,
#                     and any test-scope jar of cuda-kernels that lib/ lacks
#   cache/mnist/      the four MNIST files, gzipped (IdxReader reads gzip); BACKPROP_CACHE points here
#   BUILD-INFO.txt    commit, date, runtime, sizes
# Fails when .device/ is over 60 MiB or .device/ plus the working tree that travels is over 64 MiB.
#
# Environment: JLINK_JDK=/path/to/jdk (default: Temurin 25 if it can link, else a JDK 17 with
# jmods), MNIST_DIR (default: $BACKPROP_CACHE/mnist or ~/.cache/backprop/mnist), MVN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dev="$root/.device"
limit_dev=$((60 * 1024 * 1024))
limit_all=$((64 * 1024 * 1024))
say() { echo "device-prepare: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# --- 1. build: runtime jars (cli/target/lib) and test classes; -Pgpu-check adds cuda-kernels'
# test-scope jars in cuda-kernels/target/gpu-check/lib (cross-checked against lib/ below)
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    command -v mvn >/dev/null || die "mvn not found (needed to build; SKIP_BUILD=1 reuses target/)"
    say "building: mvn -B -ntp -q -DskipTests -Pgpu-check package ${MVN_ARGS:-}"
    # shellcheck disable=SC2086
    mvn -B -ntp -q -DskipTests -Pgpu-check ${MVN_ARGS:-} package || die "maven build failed"
fi
cli_jar=""
for j in cli/target/backprop-cli-*.jar; do
    case "$j" in *sources*|*tests*|*runnable*) ;; *) [ -f "$j" ] && cli_jar="$j" && break ;; esac
done
[ -n "$cli_jar" ] && [ -d cli/target/lib ] || die "cli/target has no jar or lib/ (build first)"
for d in cuda-kernels/target/test-classes cli/target/test-classes cuda-kernels/target/gpu-check/lib; do
    [ -d "$d" ] || die "$d missing (build with -Pgpu-check, tests compiled)"
done

# --- 2. the JUnit console launcher matching the JUnit BOM (5.x.y -> platform 1.x.y)
junit=$(sed -n 's:.*<junit.version>\(5\.[0-9.]*\)</junit.version>.*:\1:p' pom.xml | head -n 1)
[ -n "$junit" ] || die "cannot read <junit.version> from pom.xml"
platform="1.${junit#5.}"
console="junit-platform-console-standalone-$platform.jar"
m2="${MAVEN_REPO:-$HOME/.m2/repository}/org/junit/platform/junit-platform-console-standalone/$platform/$console"
if [ ! -f "$m2" ]; then
    say "fetching org.junit.platform:junit-platform-console-standalone:$platform"
    mvn -B -ntp -q -N dependency:copy \
        -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
        -DoutputDirectory="$root/target/device-junit" || die "cannot fetch $console"
    m2="$root/target/device-junit/$console"
fi
[ -f "$m2" ] || die "$console not found"

# --- 3. assemble .device/
rm -rf "$dev"
mkdir -p "$dev/lib" "$dev/test" "$dev/cache/mnist"
cp "$cli_jar" cli/target/lib/*.jar "$dev/lib/"
cp "$m2" "$dev/test/"
jdk_jar="$(command -v jar || true)"
make_jar() {   # make_jar OUT.jar DIR: the test classes as one jar (fewer files, same class path)
    if [ -n "$jdk_jar" ]; then "$jdk_jar" --create --file "$1" -C "$2" .; else (cd "$2" && zip -qr "$1" .); fi
}
make_jar "$dev/test/backprop-cuda-kernels-tests.jar" cuda-kernels/target/test-classes
make_jar "$dev/test/backprop-cli-tests.jar" cli/target/test-classes
# every test-scope jar of cuda-kernels is in lib/ already, or is JUnit's own (in the console
# launcher); anything else (a future test dependency) is copied so that the tests still link
for j in cuda-kernels/target/gpu-check/lib/*.jar; do
    b=$(basename "$j")
    case "$b" in junit-*|opentest4j-*|apiguardian-*) continue ;; esac
    [ -f "$dev/lib/$b" ] || { say "test-only jar: $b"; cp "$j" "$dev/test/"; }
done

# MNIST, gzipped (the GPU machine has no network: without these, training falls back to the sample)
mnist="${MNIST_DIR:-${BACKPROP_CACHE:+$BACKPROP_CACHE/mnist}}"
mnist="${mnist:-$HOME/.cache/backprop/mnist}"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ -f "$mnist/$f.gz" ]; then
        cp "$mnist/$f.gz" "$dev/cache/mnist/"
    elif [ -f "$mnist/$f" ]; then
        gzip -9 -c "$mnist/$f" > "$dev/cache/mnist/$f.gz"
    else
        die "$mnist/$f missing: run ./backprop data fetch first (or set MNIST_DIR)"
    fi
done

# --- 4. a trimmed Java runtime. Modules: jdeps over every jar (java.base, java.logging,
# java.desktop for XChart/commons-math3, java.net.http for the MNIST fetcher, java.sql for the
# JUnit console launcher, jdk.incubator.vector for the CPU backend) plus java.management,
# jdk.management and jdk.unsupported, which libraries reach by reflection, and jdk.zipfs, without
# which JUnit cannot scan a package inside a jar (it then finds 0 tests and says so only in a WARNING).
modules=java.base,java.logging,java.desktop,java.net.http,java.sql,java.management,jdk.management,jdk.unsupported,jdk.zipfs,jdk.incubator.vector
jre_tmp="$root/target/device-jre"
rm -rf "$jre_tmp"
mkdir -p "$root/target"
linked=""
candidates=("${JLINK_JDK:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64)
for jdk in "${candidates[@]}"; do
    [ -n "$jdk" ] && [ -x "$jdk/bin/jlink" ] || continue
    v=$("$jdk/bin/jlink" --version 2>/dev/null || echo 0)
    # zip-0: the runtime is xz-compressed as a whole below, which packs far better than per-class zip
    comp="--compress=zip-0"; [ "${v%%.*}" -lt 21 ] && comp="--compress=0"
    if "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
            "$comp" --output "$jre_tmp/jre" 2> "$root/target/device-jlink.log"; then
        linked="$jdk (jlink $v)"
        break
    fi
    say "jlink of $jdk failed: $(grep -v WARNING "$root/target/device-jlink.log" | head -n 1)"
    rm -rf "$jre_tmp"
done
[ -n "$linked" ] || die "no JDK could jlink the runtime (set JLINK_JDK to a JDK 17+ with jmods, or a linkable one)"
# the native libraries ship with their symbol tables (a quarter of libjvm.so); nothing needs them
if command -v strip >/dev/null; then
    find "$jre_tmp/jre" -name '*.so' -exec strip --strip-unneeded {} \;
fi
# A GPU image may have no fonts at all; the JDK also registers the fonts in its own lib/fonts, so
# one sans face there lets XChart draw text (bench charts, train --plot)
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -f "$font" ]; then mkdir -p "$jre_tmp/jre/lib/fonts" && cp "$font" "$jre_tmp/jre/lib/fonts/"; fi
"$jre_tmp/jre/bin/java" --add-modules jdk.incubator.vector -version >/dev/null 2>&1 \
    || die "the linked runtime does not start"
say "compressing the runtime (xz -9, about a minute)"
tar -C "$jre_tmp" -cf - jre | xz -9 -T0 > "$dev/jre.tar.xz"
jre_version=$("$jre_tmp/jre/bin/java" -version 2>&1 | sed -n 2p)
rm -rf "$jre_tmp"

# --- 5. record what was built, check the sizes
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)
dev_bytes=$(du -sb "$dev" | cut -f1)
tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | du -cb --files0-from=- 2>/dev/null | tail -n 1 | cut -f1)
total=$((dev_bytes + tree_bytes))
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
{
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
    echo "commit: $commit$([ "$dirty" -gt 0 ] && echo " (+ $dirty uncommitted changes)")"
    echo "runtime: $jre_version, linked by $linked, modules $modules"
    echo "junit console: $console"
    echo "mnist: from $mnist"
    echo "size: .device $(mib "$dev_bytes"), working tree that travels $(mib "$tree_bytes"), together $(mib "$total")"
    echo "contents:"
    (cd "$dev" && find . -type f ! -name BUILD-INFO.txt -printf '  %p %s\n' | sort)
} > "$dev/BUILD-INFO.txt"
say ".device: $(mib "$dev_bytes"); working tree (tracked + untracked, not ignored): $(mib "$tree_bytes"); together $(mib "$total") of 64 MiB"
du -sh "$dev"/* >&2
[ "$dev_bytes" -le "$limit_dev" ] || die ".device is $(mib "$dev_bytes"), over 60 MiB"
[ "$total" -le "$limit_all" ] || die ".device plus the working tree is $(mib "$total"), over the device tool's 64 MiB"
git check-ignore -q "$dev" || die ".device is not ignored by git (add /.device/ to .gitignore): it would travel twice"
say "ready: carry [\".device\"], command \"bash scripts/device-run.sh\" (scripts/README-device.md)"
