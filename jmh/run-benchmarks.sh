#!/usr/bin/env bash
# Runs the ssi-java JMH benchmarks and prints the ratios the design sets targets for.
#
#   jmh/run-benchmarks.sh                      # everything, settings for a small (2-core) machine (~8 min)
#   jmh/run-benchmarks.sh RewriteOverhead      # only benchmarks matching a JMH regexp
#   jmh/run-benchmarks.sh 'io.ssijava.dsm|TransportRoundTrip'   # protocol benchmarks and their baseline
#   JMH_OPTS="-f 2 -wi 5 -i 10" jmh/run-benchmarks.sh
#
# Environment:
#   JMH_OPTS   JMH run settings (default: -f 2 -wi 5 -w 1s -i 5 -r 1s, about 8 minutes for everything)
#   SSI_AGENT  agent jar for the agent variant (default: agent/target/ssi-agent.jar of this checkout)
#   MVN        Maven command used to build when a jar is missing (default: mvn -B -q)
#   REBUILD=1  build even if the jars exist
#
# Results: jmh/target/jmh-result.json (JMH JSON) and jmh/target/ratios.txt (the table printed at the end).
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

result=$here/target/jmh-result.json
# -Dssi.agent reaches the forks: JMH starts them with the host JVM's options.
java -Dssi.agent="$agent" -jar "$jar" "${jmh_opts[@]}" -rf json -rff "$result" "$@"
echo
java -cp "$jar" io.ssijava.jmh.Ratios "$result" | tee "$here/target/ratios.txt"
