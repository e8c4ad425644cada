#!/usr/bin/env bash
# Proof that the tests do not flake under load: keeps every core busy with CPU-burning processes while it runs
# a test command several times in a row, and reports each run. Not part of `npm test`.
#
#   scripts/stress-test.sh [runs] [command...]
#   scripts/stress-test.sh 5 npm test                        # the whole suite, five times (the lead's proof)
#   scripts/stress-test.sh 2 node server/test/run-tests.mjs int '!server/auth/'
#
# Defaults: 5 runs of `npm test`. BURNERS (default: the number of cores) sets how many burners run.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"
shift || true
if [ "$#" -eq 0 ]; then set -- npm test; fi
burners="${BURNERS:-$(nproc)}"
log_dir="$(mktemp -d "${TMPDIR:-/tmp}/roombook-stress-XXXXXX")"

pids=()
stop_burners() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop_burners EXIT INT TERM

for _ in $(seq "$burners"); do
  # A busy loop in its own process: one core's worth of competition for the tests.
  node -e 'for (;;) {}' &
  pids+=("$!")
done
echo "stress: $burners CPU burners (pids ${pids[*]}); $runs runs of: $*; logs in $log_dir"

passed=0
for i in $(seq "$runs"); do
  start=$(date +%s)
  if "$@" >"$log_dir/run-$i.log" 2>&1; then
    result=passed
    passed=$((passed + 1))
  else
    result=FAILED
  fi
  echo "run $i/$runs: $result in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1-3 /proc/loadavg)) → $log_dir/run-$i.log"
  if [ "$result" = FAILED ]; then grep -E '^\s*✖' "$log_dir/run-$i.log" | head -20; fi
done

echo "stress: $passed/$runs runs passed"
[ "$passed" -eq "$runs" ]
