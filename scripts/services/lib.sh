# shellcheck shell=bash disable=SC2034  # (variables here are used by the scripts that source this file)
# Shared by scripts/services/up.sh and down.sh. Not meant to be run on its own.
# See scripts/services/README.md for the layout and the reasons behind the settings.

SERVICES_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SERVICES_SCRIPT_DIR/../.." && pwd)

# ---- overridable settings ---------------------------------------------------------------------
KAFKA_VERSION=${KAFKA_VERSION:-4.4.0}
ES_VERSION=${ES_VERSION:-9.5.3}
LOG4J_VERSION=${LOG4J_VERSION:-2.25.3}          # Log4j 2 binding for the Kafka broker
SERVICES_DIR=${SERVICES_DIR:-$REPO_ROOT/.services}
SERVICES_TIMEOUT=${SERVICES_TIMEOUT:-120}       # seconds to wait for each service to become ready
SERVICES_STOP_TIMEOUT=${SERVICES_STOP_TIMEOUT:-30} # seconds between SIGTERM and SIGKILL
KAFKA_HEAP=${KAFKA_HEAP:-512m}
ES_HEAP=${ES_HEAP:-1g}
MVN_DEPENDENCY_PLUGIN=${MVN_DEPENDENCY_PLUGIN:-org.apache.maven.plugins:maven-dependency-plugin:3.8.1}

# ---- ports: the defaults are the project's contract (DESIGN.md: npm scripts) --------------------
# Overridable only so a test can run a second, private broker or node (with its own SERVICES_DIR)
# beside the shared ones, e.g. to restart it mid-stream; `npm run services:*` always uses the defaults.
readonly HOST=127.0.0.1
readonly KAFKA_PORT=${KAFKA_PORT:-9092}
readonly KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
readonly ES_PORT=${ES_PORT:-9200}
readonly ES_TRANSPORT_PORT=${ES_TRANSPORT_PORT:-9300}
for _port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$ES_PORT" "$ES_TRANSPORT_PORT"; do
  [[ $_port =~ ^[0-9]+$ ]] && (( _port > 0 && _port < 65536 )) || { printf 'not a port: %s\n' "$_port" >&2; exit 2; }
done
unset _port

mkdir -p "$SERVICES_DIR"
SERVICES_DIR=$(cd "$SERVICES_DIR" && pwd)
LOG_DIR=$SERVICES_DIR/logs
RUN_DIR=$SERVICES_DIR/run
mkdir -p "$LOG_DIR" "$RUN_DIR"

KAFKA_LOG=$LOG_DIR/kafka.log
ES_LOG=$LOG_DIR/elasticsearch.log
KAFKA_PIDFILE=$RUN_DIR/kafka.pid
ES_PIDFILE=$RUN_DIR/elasticsearch.pid
# Strings that must appear in a process's command line before we signal it (never trust a pid alone).
KAFKA_MARKER=kafka.Kafka
ES_MARKER=k8saudit.services.ElasticsearchMain

# take_lock: one up.sh/down.sh at a time per SERVICES_DIR (fd 9; services are started without it).
take_lock() {
  exec 9>"$RUN_DIR/.lock"
  if ! flock -n 9; then
    say "waiting for another up.sh/down.sh on $SERVICES_DIR to finish"
    flock -w 600 9 || die "another up.sh/down.sh still holds $RUN_DIR/.lock"
  fi
}

# ---- output and timing ------------------------------------------------------------------------
now_ms() { date +%s%3N; }
since() { # since START_MS -> "1.234 s"
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%03d s' $((d / 1000)) $((d % 1000))
}
say() { printf '[services %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[services %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[services %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# show_log_tail FILE [LINES]: the end of a service log, on stderr.
show_log_tail() {
  local file=$1 lines=${2:-50}
  {
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file"
    if [[ -f $file ]]; then tail -n "$lines" "$file"; else echo "(no log file)"; fi
    printf -- '----- end of %s -----\n' "$file"
  } >&2
}

# ---- processes and ports ----------------------------------------------------------------------
port_open() { # port_open PORT
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# our_pid PIDFILE MARKER: prints the pid if the pidfile names a live process whose command line
# contains MARKER; otherwise removes a stale pidfile and fails.
our_pid() {
  local pidfile=$1 marker=$2 pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"; then
    echo "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

# start_detached PIDFILE LOGFILE CMD...: runs CMD in its own session (it survives the shell and
# terminal), stdout+stderr appended to LOGFILE, its pid in PIDFILE.
start_detached() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # The inner bash writes its own pid, then execs the command: the pid is the JVM's.
  # shellcheck disable=SC2016  # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  local _
  for _ in $(seq 1 50); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# rotate_log FILE: keep the previous run's log as FILE.1.
rotate_log() {
  [[ -f $1 ]] && mv -f "$1" "$1.1"
  : >"$1"
}

# stop_process NAME PIDFILE MARKER: SIGTERM, wait SERVICES_STOP_TIMEOUT, then SIGKILL.
stop_process() {
  local name=$1 pidfile=$2 marker=$3 pid t0 deadline
  if ! pid=$(our_pid "$pidfile" "$marker"); then
    return 1
  fi
  t0=$(now_ms)
  say "$name: stopping pid $pid (SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(now_ms) + SERVICES_STOP_TIMEOUT * 1000 ))
  while kill -0 "$pid" 2>/dev/null && (( $(now_ms) < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name: still running after ${SERVICES_STOP_TIMEOUT}s, sending SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile"
  say "$name: stopped in $(since "$t0")"
}

# ---- Java -------------------------------------------------------------------------------------
java_major() { # java_major PATH/TO/java -> 17, 21, 25 ...
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

# find_java MIN [REQUIRE_JAVAC]: prints a JAVA_HOME with java >= MIN. Order: the newest
# /usr/lib/jvm/temurin-* first, then any other JDK under /usr/lib/jvm, then JAVA_HOME, then the
# java on PATH. Versions are never hard-coded.
find_java() {
  local min=$1 need_javac=${2:-} home major candidates=()
  local dir temurin=() others=()
  for dir in /usr/lib/jvm/*/; do
    [[ -d $dir ]] || continue
    if [[ $dir == /usr/lib/jvm/temurin-* ]]; then temurin+=("$dir"); else others+=("$dir"); fi
  done
  # newest first (version sort of the directory names)
  if (( ${#temurin[@]} )); then mapfile -t temurin < <(printf '%s\n' "${temurin[@]}" | sort -V -r); fi
  if (( ${#others[@]} )); then mapfile -t others < <(printf '%s\n' "${others[@]}" | sort -V -r); fi
  candidates=("${temurin[@]}" "${others[@]}")
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    home=${home%/}
    [[ -x $home/bin/java ]] || continue
    [[ -n $need_javac && ! -x $home/bin/javac ]] && continue
    major=$(java_major "$home/bin/java")
    if [[ $major =~ ^[0-9]+$ ]] && (( major >= min )); then
      echo "$home"
      return 0
    fi
  done
  return 1
}

# ---- Maven ------------------------------------------------------------------------------------
# fetch_libs NAME POM DEST -Dprop=value...: copies the runtime dependencies of POM into DEST/libs
# (from ~/.m2, downloading from Maven Central what is missing). Retries 3 times. DEST/libs is
# complete when DEST/libs/.complete exists; nothing happens if it does.
fetch_libs() {
  local name=$1 pom=$2 dest=$3
  shift 3
  local libs=$dest/libs t0 attempt mvnlog=$LOG_DIR/maven-$name.log
  if [[ -f $libs/.complete ]]; then
    say "$name: jars cached in ${libs#"$SERVICES_DIR"/}"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: Maven is needed to fetch $name from Maven Central"
  t0=$(now_ms)
  say "$name: fetching jars from Maven Central ($*)"
  mkdir -p "$dest"
  cp "$pom" "$dest/pom.xml"
  for attempt in 1 2 3; do
    rm -rf "$libs.tmp"
    if mvn -B -q -Dstyle.color=never -f "$dest/pom.xml" "$@" \
      "$MVN_DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime \
      -DoutputDirectory="$libs.tmp" >"$mvnlog" 2>&1; then
      rm -rf "$libs"
      mv "$libs.tmp" "$libs"
      touch "$libs/.complete"
      say "$name: fetched $(find "$libs" -name '*.jar' | wc -l) jars ($(du -sh "$libs" | cut -f1)) in $(since "$t0")"
      return 0
    fi
    warn "$name: maven attempt $attempt/3 failed"
    (( attempt < 3 )) && sleep $((attempt * 5))
  done
  show_log_tail "$mvnlog" 50
  die "$name: could not fetch jars from Maven Central (versions: $*)"
}
