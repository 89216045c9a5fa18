#!/usr/bin/env bash
# Single-node cost of the instrumented JDK: JdkCollectionsBenchmark with the plain java.base and with the copy that
# cluster nodes run, then the jdk/plain ratio per operation (target <= 1.2).
#
#   jmh/run-jdk-overhead.sh
#   JMH_OPTS="-f 2 -wi 5 -i 10" jmh/run-jdk-overhead.sh
#
# Results: jmh/target/jdk-plain.json, jmh/target/jdk-instrumented.json, jmh/target/jdk-ratios.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=$here/target/benchmarks.jar
agent=${SSI_AGENT:-$root/agent/target/ssi-agent.jar}
mvn_cmd=${MVN:-mvn -B -q}
read -r -a jmh_opts <<< "${JMH_OPTS:--f 2 -wi 5 -w 1s -i 5 -r 1s}"

if [[ ${REBUILD:-0} == 1 || ! -f $jar || ! -f $agent ]]; then
    echo "building the runtime modules and benchmarks.jar ..."
    (cd "$root" && $mvn_cmd install -DskipTests -pl transport,dsm,threads,agent,samples && $mvn_cmd -pl jmh package)
fi

# the flags a node runs with (generates the instrumented copy on first use)
flags=$(java -cp "$agent" io.ssijava.agent.jdk.JdkPatch | tr '\n' ' ')
java -jar "$jar" JdkCollectionsBenchmark "${jmh_opts[@]}" -p variant=plain \
    -rf json -rff "$here/target/jdk-plain.json"
java -jar "$jar" JdkCollectionsBenchmark "${jmh_opts[@]}" -p variant=jdk \
    -jvmArgsAppend "$flags -Dssi.cluster=true" -rf json -rff "$here/target/jdk-instrumented.json"
echo
java -cp "$jar" io.ssijava.jmh.Ratios "$here/target/jdk-plain.json" "$here/target/jdk-instrumented.json" \
    | tee "$here/target/jdk-ratios.txt"
