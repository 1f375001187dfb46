#!/usr/bin/env bash
# Stop the local Kafka broker and Elasticsearch node started by up.sh (npm run services:down).
#
#   bash scripts/services/down.sh [all|kafka|elasticsearch] [--purge]
#
# SIGTERM, then SIGKILL after SERVICES_STOP_TIMEOUT seconds (default 30). Only processes recorded
# in $SERVICES_DIR/run/*.pid whose command line matches are signalled; anything else listening on
# the ports is reported and left alone. Nothing running is not an error.
# --purge also deletes the services' data (topics, indices); downloaded jars are kept.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { echo "usage: $0 [all|kafka|elasticsearch] [--purge]" >&2; exit 2; }
which=all purge=0
for arg in "$@"; do
  case "$arg" in
    all | kafka) which=$arg ;;
    elasticsearch | es) which=elasticsearch ;;
    --purge) purge=1 ;;
    *) usage ;;
  esac
done

T_TOTAL=$(now_ms)
take_lock

down_one() { # down_one NAME PIDFILE MARKER PORT DATA_DIR
  local name=$1 pidfile=$2 marker=$3 port=$4 data=$5
  if ! stop_process "$name" "$pidfile" "$marker"; then
    if port_open "$port"; then
      warn "$name: $HOST:$port is served by a process these scripts did not start; leaving it alone"
    else
      say "$name: not running"
    fi
  fi
  if (( purge )) && [[ -d $data ]]; then
    rm -rf "$data"
    say "$name: purged $data"
  fi
}

# Both stop in parallel; each waits for its own process.
pids=()
if [[ $which == all || $which == kafka ]]; then
  down_one kafka "$KAFKA_PIDFILE" "$KAFKA_MARKER" "$KAFKA_PORT" "$SERVICES_DIR/kafka/data" &
  pids+=($!)
fi
if [[ $which == all || $which == elasticsearch ]]; then
  down_one elasticsearch "$ES_PIDFILE" "$ES_MARKER" "$ES_PORT" "$SERVICES_DIR/elasticsearch/data" &
  pids+=($!)
fi
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
say "services down in $(since "$T_TOTAL")"
exit "$rc"
