#!/usr/bin/env bash
# run_relay_bench.sh: the relay load benchmarks of the issue, side by side with their anchors,
# on this machine, in one run (bench/README.md, "Relay load").
#
#   bench/relay/run_relay_bench.sh [build_dir]      # default build/release; about 7 minutes when quiet
#
# 1. idle: a fresh relay; accounts registered (16 devices each); IDLE_CONNECTIONS authenticated
#    delivery sessions spread over IDLE_PROCESSES bench processes and several 127.0.0.x source
#    addresses; the relay's VmRSS before and after gives its memory per connection.
#    The same for mosquitto (each MQTT client CONNECTs with a password and subscribes to its
#    own topic), with as many connections.
# 2. messages: a fresh relay; PAIRS sender/receiver pairs; 256-byte messages acknowledged after
#    fsync, as fast as possible (closed loop) and paced at RATE messages/s (open loop: latency
#    from the scheduled send time); beside them the raw SQLite batched-insert rate of the same
#    rows, and mosquitto QoS 1 under the same loads.
# 3. a table of the figures, their ratios and the goals.
#
# Every phase is bounded by a timeout; every process this script starts is stopped by its pid
# on exit (also on Ctrl-C or failure). Settings (environment): IDLE_CONNECTIONS (19000),
# IDLE_PROCESSES (4), SOURCES (127.0.0.2..127.0.0.9), PAIRS (1000), RATE (10000), MSG_SECONDS (20),
# WARMUP (3), WINDOW (32, sends outstanding per sender in the closed loop: enough to fill the
# relay's 512-job store batches, below its 65,536 pending-job limit), ANCHOR_ROWS (300000),
# IDLE_HOLD (15 s held after all are up, longer than SCP's 10 s keepalive), KEEP=1 keeps the
# work directory, SKIP_IDLE=1 / SKIP_MESSAGES=1 skip a part, QUIET_BUSY (30) / QUIET_WAIT (600):
# before each timed phase, wait up to QUIET_WAIT seconds for the machine to be at most QUIET_BUSY
# % busy (of one core) with other work: on a shared 2-core machine someone else's build halves
# every figure. Each messages run also reports the CPU that other processes used in its window.
# BENCH_NICE=-10 (root only) runs the relay, mosquitto and the bench processes at that priority,
# so that other users' builds take less of the CPU from the measurement (only against processes
# of the same cgroup: on a machine that gives each session its own cgroup it changes nothing).
set -euo pipefail

BUILD=${1:-build/release}
BENCH="$BUILD/apps/bench/securecomm-bench"
RELAY="$BUILD/apps/relay/securecomm-relay"
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}

IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-19000}
IDLE_PROCESSES=${IDLE_PROCESSES:-4}
SOURCES=${SOURCES:-127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9}
PAIRS=${PAIRS:-1000}
RATE=${RATE:-10000}
MSG_SECONDS=${MSG_SECONDS:-20}
WARMUP=${WARMUP:-3}
WINDOW=${WINDOW:-32}
ANCHOR_ROWS=${ANCHOR_ROWS:-300000}
IDLE_HOLD=${IDLE_HOLD:-15}
QUIET_BUSY=${QUIET_BUSY:-30}
PRIO=()
if [[ -n "${BENCH_NICE:-}" ]]; then PRIO=(nice -n "$BENCH_NICE"); fi
QUIET_WAIT=${QUIET_WAIT:-600}

# Phase timeouts (seconds): generous multiples of what each takes on a 2-core machine.
T_START=20          # a relay or mosquitto prints its address / accepts connections
T_REGISTER=300      # 1,200 accounts take ~2 s; 2,000 in the messages runs ~1 s
T_IDLE_UP=900       # 19,000 SRP-3072 logins take ~2-3 minutes on 2 cores
T_STOP=60           # processes exit after end of stdin / SIGTERM
T_MESSAGES=$((MSG_SECONDS + WARMUP + 240))  # setup (2,000 logins ~15 s) + run + drain (20 s)
T_ANCHOR=300

for f in "$BENCH" "$RELAY"; do
  [[ -x "$f" ]] || { echo "error: $f not built (cmake --build $BUILD --target securecomm-bench securecomm-relay)" >&2; exit 1; }
done
[[ -x "$MOSQUITTO" ]] || { echo "error: $MOSQUITTO not found (Debian package mosquitto)" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq is needed to read the bench's JSON lines" >&2; exit 1; }
command -v curl >/dev/null || { echo "error: curl is needed to read the relay's /metrics" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/securecomm-relay-bench.XXXXXX")
STARTED=()   # pids of every process started here
FIFO_FD_OPEN=0

cleanup() {
  local pid
  if [[ $FIFO_FD_OPEN == 1 ]]; then exec 3>&-; FIFO_FD_OPEN=0; fi
  for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED=()
  if [[ "${KEEP:-0}" == 1 ]]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
json_of() { grep '^{"' "$1" 2>/dev/null | tail -1 || true; }  # the bench's one-line JSON summary
human_of() { grep -v '^{"' "$1" || true; }
rss_of() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }

# stop_pid PID: SIGTERM, wait up to T_STOP, then SIGKILL; removes it from STARTED.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < T_STOP * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${STARTED[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  STARTED=("${kept[@]+"${kept[@]}"}")
}

# wait_for_line FILE PATTERN TIMEOUT PID: until FILE has a line matching PATTERN.
wait_for_line() {
  local file=$1 pattern=$2 timeout=$3 pid=$4 i
  for ((i = 0; i < timeout * 10; i++)); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "error: process $pid exited; its output:" >&2; tail -20 "$file" >&2; return 1; }
    sleep 0.1
  done
  echo "error: timed out after ${timeout}s waiting for '$pattern' in $file" >&2
  return 1
}

RELAY_PID="" CONN="" METRICS=""
start_relay() {  # start_relay NAME: a fresh relay with its own data directory
  local dir="$WORK/$1"
  mkdir -p "$dir"
  "${PRIO[@]}" "$RELAY" --data-dir "$dir/data" --port 0 --http-port 0 \
    --handshakes-per-address-per-second 1000000 --handshake-burst-per-address 1000000 \
    --handshakes-per-second 1000000 --max-connections 19900 --log-level warn >"$dir/relay.out" 2>&1 &
  RELAY_PID=$!
  STARTED+=("$RELAY_PID")
  wait_for_line "$dir/relay.out" '^  scp://' "$T_START" "$RELAY_PID"
  CONN=$(sed -n 's/^  \(scp:.*\)$/\1/p' "$dir/relay.out")
  METRICS=$(sed -n 's|^health and metrics: \(http://[^ ]*\)/healthz.*|\1/metrics|p' "$dir/relay.out")
}

metric() { curl -s --max-time 5 "$METRICS" | awk -v n="$1" '$1 == n {print $2}'; }

MQ_PID="" MQ_PORT="" MQ_USER=bench MQ_PASS=""
start_mosquitto() {  # start_mosquitto NAME
  local dir="$WORK/$1"
  mkdir -p "$dir"
  MQ_PASS=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mosquitto_passwd -b -c "$dir/passwd" "$MQ_USER" "$MQ_PASS" >/dev/null 2>&1
  chmod 600 "$dir/passwd"
  # A free port below the ephemeral range, so no client socket can hold it.
  for MQ_PORT in $(shuf -i 20000-30000 -n 20); do
    ss -Htln "sport = :$MQ_PORT" | grep -q . || break
  done
  cat >"$dir/mosquitto.conf" <<EOF
# Generated by run_relay_bench.sh. Loopback only, password required, no persistence (mosquitto
# never fsyncs a message: its persistence is a periodic snapshot), no connection limit.
listener $MQ_PORT 127.0.0.1
allow_anonymous false
password_file $dir/passwd
max_connections -1
persistence false
set_tcp_nodelay true
user $(id -un)
log_dest file $dir/mosquitto.log
log_type error
log_type warning
EOF
  "${PRIO[@]}" "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$dir/mosquitto.out" 2>&1 &
  MQ_PID=$!
  STARTED+=("$MQ_PID")
  local i
  for ((i = 0; i < T_START * 10; i++)); do
    ss -Htln "sport = :$MQ_PORT" | grep -q . && return 0
    kill -0 "$MQ_PID" 2>/dev/null || { cat "$dir/mosquitto.out" "$dir/mosquitto.log" >&2; return 1; }
    sleep 0.1
  done
  echo "error: mosquitto did not listen on $MQ_PORT" >&2
  return 1
}

# run_idle KIND NAME EXTRA_ARGS...: IDLE_CONNECTIONS connections over IDLE_PROCESSES bench
# processes (KIND idle or mqtt-idle), all held until the FIFO is closed. Sets IDLE_UP, IDLE_SETUP.
IDLE_UP=0 IDLE_SETUP=0 IDLE_STILL=0
run_idle() {
  local kind=$1 name=$2
  shift 2
  local dir="$WORK/$name" fifo="$WORK/$name/hold" per=$(((IDLE_CONNECTIONS + IDLE_PROCESSES - 1) / IDLE_PROCESSES))
  mkdir -p "$dir"
  mkfifo "$fifo"
  local pids=() first=0 p n
  for ((p = 0; p < IDLE_PROCESSES; p++)); do
    n=$((IDLE_CONNECTIONS - first < per ? IDLE_CONNECTIONS - first : per))
    # Each process reads the FIFO: when this script closes its end (or dies), they all stop.
    "${PRIO[@]}" "$BENCH" "$kind" --first "$first" --connections "$n" --sources "$SOURCES" "$@" <"$fifo" >"$dir/bench$p.out" 2>"$dir/bench$p.err" &
    pids+=($!)
    STARTED+=($!)
    first=$((first + n))
  done
  exec 3>"$fifo"   # opening the writer lets the readers' opens complete
  FIFO_FD_OPEN=1
  for ((p = 0; p < IDLE_PROCESSES; p++)); do
    wait_for_line "$dir/bench$p.out" '^ready:' "$T_IDLE_UP" "${pids[$p]}" || return 1
  done
  IDLE_PIDS=("${pids[@]}")
  IDLE_DIR=$dir
}
# end_idle: close the FIFO, wait for the processes, sum their JSON lines.
end_idle() {
  exec 3>&-
  FIFO_FD_OPEN=0
  local p
  for p in "${IDLE_PIDS[@]}"; do stop_pid_after_eof "$p"; done
  local all
  all=$(cat "$IDLE_DIR"/bench*.out | grep '^{"' || true)
  IDLE_UP=$(jq -s 'map(.up) | add // 0' <<<"$all")
  IDLE_STILL=$(jq -s 'map(.still_up_at_end) | add // 0' <<<"$all")
  IDLE_SETUP=$(jq -s 'map(.setup_seconds) | max // 0 | . * 10 | floor / 10' <<<"$all")
}
stop_pid_after_eof() {  # they exit by themselves at end of stdin; SIGTERM only if they do not
  local pid=$1 i
  for ((i = 0; i < T_STOP * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$pid"
}

# machine_busy SECONDS: percent of one core the whole machine was busy (proc(5), /proc/stat).
machine_busy() {
  local a b
  a=$(head -1 /proc/stat)
  sleep "$1"
  b=$(head -1 /proc/stat)
  printf '%s\n%s\n' "$a" "$b" | awk -v s="$1" 'NR == 1 {u = $2 + $3 + $4 + $7 + $8} NR == 2 {printf "%.0f", ($2 + $3 + $4 + $7 + $8 - u) / s}'
}
NOISY=()
wait_quiet() {  # wait_quiet PHASE
  local start busy
  start=$(date +%s)
  while true; do
    busy=$(machine_busy 3)
    if ((busy <= QUIET_BUSY)); then log "$1: machine quiet (${busy}% busy)"; return 0; fi
    if (($(date +%s) - start >= QUIET_WAIT)); then
      if [[ ${#PRIO[@]} -gt 0 ]]; then
        log "warning: $1: the machine is ${busy}% busy with other work; this run's nice $BENCH_NICE takes most of the CPU back, but the disk and caches stay shared"
      else
        log "warning: $1: the machine is ${busy}% busy with other work after waiting ${QUIET_WAIT}s; its figures are low and noisy"
      fi
      NOISY+=("$1")
      return 0
    fi
    sleep 5
  done
}

per_conn() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.0f", (b - a) / n; else print "n/a" }'; }

log "build: $BUILD; work directory: $WORK (relay data and the SQLite anchor on this filesystem: $(df -T "$WORK" | awk 'NR==2 {print $2}'))"
[[ ${#PRIO[@]} -gt 0 ]] && log "priority: every process started here runs at nice $BENCH_NICE"
log "descriptor limit: $(ulimit -n) (soft) / $(ulimit -Hn) (hard); ephemeral ports: $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range); cores: $(nproc)"
if (($(ulimit -n) < 19500)); then log "warning: fewer than 19,500 descriptors per process: the idle test will fall short"; fi

# ---------------------------------------------------------------------------------------------
# 1. Idle connections
# ---------------------------------------------------------------------------------------------
if [[ "${SKIP_IDLE:-0}" != 1 ]]; then
  log "idle: starting a fresh relay"
  start_relay idle-relay
  ACCOUNTS_NEEDED=$(((IDLE_CONNECTIONS + 15) / 16))
  log "idle: registering $ACCOUNTS_NEEDED accounts (16 devices each)"
  timeout -k 5 "$T_REGISTER" "${PRIO[@]}" "$BENCH" register --relay "$CONN" --accounts-prefix idle --count "$ACCOUNTS_NEEDED" \
    --out "$WORK/accounts.txt" --sources "$SOURCES" >"$WORK/register.out" 2>&1
  REGISTER_SECONDS=$(json_of "$WORK/register.out" | jq '.seconds * 10 | floor / 10')
  sleep 2
  wait_quiet "idle (relay)"
  RELAY_RSS_BEFORE=$(rss_of "$RELAY_PID")
  log "idle: relay VmRSS before: $RELAY_RSS_BEFORE B; opening $IDLE_CONNECTIONS sessions in $IDLE_PROCESSES processes"
  T0=$(date +%s.%N)
  run_idle idle relay-idle --relay "$CONN" --accounts "$WORK/accounts.txt"
  RELAY_UP_SECONDS=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  sleep 3
  RELAY_RSS_AFTER=$(rss_of "$RELAY_PID")
  RELAY_SESSIONS=$(metric securecomm_relay_sessions_authenticated)
  RELAY_OPEN=$(metric securecomm_relay_connections_open)
  log "idle: all up in ${RELAY_UP_SECONDS}s; relay reports $RELAY_SESSIONS authenticated sessions, $RELAY_OPEN open connections; VmRSS $RELAY_RSS_AFTER B; holding ${IDLE_HOLD}s"
  sleep "$IDLE_HOLD"
  RELAY_RSS_HELD=$(rss_of "$RELAY_PID")
  RELAY_SESSIONS_HELD=$(metric securecomm_relay_sessions_authenticated)
  T0=$(date +%s.%N)
  end_idle
  # How long the relay takes to notice and clean up every session once the clients are gone.
  for ((i = 0; i < T_STOP * 10; i++)); do
    [[ "$(metric securecomm_relay_connections_open)" == 0 ]] && break
    sleep 0.1
  done
  RELAY_TEARDOWN=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  log "idle: clients stopped and the relay back to $(metric securecomm_relay_connections_open) connections in ${RELAY_TEARDOWN}s"
  RELAY_IDLE_UP=$IDLE_UP RELAY_IDLE_STILL=$IDLE_STILL RELAY_IDLE_SETUP=$IDLE_SETUP
  RELAY_PER_CONN=$(per_conn "$RELAY_RSS_BEFORE" "$RELAY_RSS_HELD" "$RELAY_SESSIONS_HELD")
  log "idle: relay VmRSS after hold $RELAY_RSS_HELD B with $RELAY_SESSIONS_HELD sessions: $RELAY_PER_CONN B per connection"
  stop_pid "$RELAY_PID"

  log "idle: starting mosquitto"
  start_mosquitto idle-mosquitto
  sleep 1
  wait_quiet "idle (mosquitto)"
  MQ_RSS_BEFORE=$(rss_of "$MQ_PID")
  run_idle mqtt-idle mqtt-idle --broker "127.0.0.1:$MQ_PORT" --username "$MQ_USER" --password "$MQ_PASS"
  sleep 3
  MQ_RSS_AFTER=$(rss_of "$MQ_PID")
  MQ_CONNS=$(ss -Htn state established "sport = :$MQ_PORT" | wc -l)
  log "idle: mosquitto holds $MQ_CONNS established connections; VmRSS $MQ_RSS_AFTER B; holding ${IDLE_HOLD}s"
  sleep "$IDLE_HOLD"
  MQ_RSS_HELD=$(rss_of "$MQ_PID")
  MQ_CONNS_HELD=$(ss -Htn state established "sport = :$MQ_PORT" | wc -l)
  end_idle
  MQ_IDLE_UP=$IDLE_UP MQ_IDLE_STILL=$IDLE_STILL MQ_IDLE_SETUP=$IDLE_SETUP
  MQ_PER_CONN=$(per_conn "$MQ_RSS_BEFORE" "$MQ_RSS_HELD" "$MQ_CONNS_HELD")
  log "idle: mosquitto VmRSS after hold $MQ_RSS_HELD B with $MQ_CONNS_HELD connections: $MQ_PER_CONN B per connection"
  stop_pid "$MQ_PID"
fi

# ---------------------------------------------------------------------------------------------
# 2. Messages
# ---------------------------------------------------------------------------------------------
if [[ "${SKIP_MESSAGES:-0}" != 1 ]]; then
  log "messages: starting a fresh relay"
  start_relay msg-relay
  for run in sustained paced; do
    if [[ $run == sustained ]]; then r=0; else r=$RATE; fi
    wait_quiet "messages ($run)"
    log "messages ($run): $PAIRS pairs, --rate $r, ${MSG_SECONDS}s window"
    timeout -k 5 "$T_MESSAGES" "${PRIO[@]}" "$BENCH" messages --relay "$CONN" --pairs "$PAIRS" --rate "$r" --window "$WINDOW" \
      --seconds "$MSG_SECONDS" --warmup "$WARMUP" --size 256 --sources "$SOURCES" --metrics "$METRICS" \
      --relay-pid "$RELAY_PID" >"$WORK/messages-$run.out" 2>"$WORK/messages-$run.err" ||
      log "warning: the $run messages run exited with status $? (see $WORK/messages-$run.err)"
    human_of "$WORK/messages-$run.out"
  done
  stop_pid "$RELAY_PID"

  BATCH_SEEN=$(json_of "$WORK/messages-sustained.out" | jq '.server.store_jobs_per_batch // 50 | floor')
  for b in 50 "$BATCH_SEEN"; do
    wait_quiet "sqlite anchor (batch $b)"
    log "sqlite anchor: $ANCHOR_ROWS rows, batch $b, in $WORK"
    timeout -k 5 "$T_ANCHOR" "${PRIO[@]}" "$BENCH" sqlite-anchor --rows "$ANCHOR_ROWS" --batch "$b" --dir "$WORK" >"$WORK/anchor-$b.out" 2>&1 ||
      log "warning: the anchor exited with status $?"
    human_of "$WORK/anchor-$b.out"
  done

  log "messages: starting mosquitto"
  start_mosquitto msg-mosquitto
  for run in sustained paced; do
    if [[ $run == sustained ]]; then r=0; else r=$RATE; fi
    wait_quiet "mosquitto ($run)"
    log "mosquitto ($run): $PAIRS pairs, QoS 1, --rate $r, ${MSG_SECONDS}s window"
    timeout -k 5 "$T_MESSAGES" "${PRIO[@]}" "$BENCH" mqtt-messages --broker "127.0.0.1:$MQ_PORT" --username "$MQ_USER" \
      --password "$MQ_PASS" --pairs "$PAIRS" --rate "$r" --window "$WINDOW" --seconds "$MSG_SECONDS" --warmup "$WARMUP" \
      --size 256 --sources "$SOURCES" --broker-pid "$MQ_PID" >"$WORK/mqtt-$run.out" 2>"$WORK/mqtt-$run.err" ||
      log "warning: the $run mosquitto run exited with status $? (see $WORK/mqtt-$run.err)"
    human_of "$WORK/mqtt-$run.out"
  done
  stop_pid "$MQ_PID"
fi

# ---------------------------------------------------------------------------------------------
# 3. Table
# ---------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "" && b != "") printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { if (v == "" || v == "n/a") print "n/a"; else if ((op == "<=" && v + 0 <= g + 0) || (op == ">=" && v + 0 >= g + 0)) print "met"; else print "MISSED" }'; }
row() { printf '%-46s %14s %16s %8s  %s\n' "$@"; }

echo
echo "=== relay load benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, build $BUILD) ==="
row "" "relay" "anchor" "ratio" "goal"
if [[ "${SKIP_IDLE:-0}" != 1 ]]; then
  row "idle: sessions up / still up at the end" "$RELAY_IDLE_UP/$RELAY_IDLE_STILL" "$MQ_IDLE_UP/$MQ_IDLE_STILL (mqtt)" "" "$IDLE_CONNECTIONS authenticated"
  row "idle: VmRSS before -> after hold (MiB)" \
    "$(awk -v a="$RELAY_RSS_BEFORE" -v b="$RELAY_RSS_HELD" 'BEGIN {printf "%.1f->%.1f", a/1048576, b/1048576}')" \
    "$(awk -v a="$MQ_RSS_BEFORE" -v b="$MQ_RSS_HELD" 'BEGIN {printf "%.1f->%.1f", a/1048576, b/1048576}')" "" ""
  row "idle: memory growth per connection (B)" "$RELAY_PER_CONN" "$MQ_PER_CONN (mqtt)" \
    "$(ratio "$RELAY_PER_CONN" "$MQ_PER_CONN")" "<= 8192 B: $(verdict "$RELAY_PER_CONN" '<=' 8192)"
  row "idle: setup (register; all logged in) (s)" "$REGISTER_SECONDS; $RELAY_UP_SECONDS" "$MQ_IDLE_SETUP (mqtt)" "" ""
  row "idle: teardown, clients stop -> relay at 0 (s)" "$RELAY_TEARDOWN" "" "" ""
fi
if [[ "${SKIP_MESSAGES:-0}" != 1 ]]; then
  S=$(json_of "$WORK/messages-sustained.out")
  P=$(json_of "$WORK/messages-paced.out")
  A50=$(json_of "$WORK/anchor-50.out" | jq .rows_per_second)
  AB=$(json_of "$WORK/anchor-$BATCH_SEEN.out" | jq .rows_per_second)
  MS=$(json_of "$WORK/mqtt-sustained.out")
  MP=$(json_of "$WORK/mqtt-paced.out")
  RS=$(jq .acked_per_second <<<"$S")
  MQS=$(jq .acked_per_second <<<"$MS")
  row "sustained: acknowledged sends/s (closed loop)" "$(printf %.0f "$RS")" "$(printf %.0f "$A50") (sqlite b50)" \
    "$(ratio "$RS" "$A50")" ">= 20000: $(verdict "$RS" '>=' 20000); ratio >= 0.60: $(verdict "$(ratio "$RS" "$A50")" '>=' 0.6)"
  row "" "" "$(printf %.0f "$AB") (sqlite b$BATCH_SEEN)" "$(ratio "$RS" "$AB")" "(anchor at the relay's own batch size)"
  row "" "" "$(printf %.0f "$MQS") (mqtt qos1)" "$(ratio "$RS" "$MQS")" ""
  row "sustained: deliveries/s" "$(jq '.delivered_per_second | floor' <<<"$S")" "$(jq '.delivered_per_second | floor' <<<"$MS") (mqtt)" "" ""
  row "sustained: latency p50/p99 (ms)" "$(jq -r '"\(.delivery_latency.p50_ms)/\(.delivery_latency.p99_ms)"' <<<"$S")" \
    "$(jq -r '"\(.delivery_latency.p50_ms)/\(.delivery_latency.p99_ms)"' <<<"$MS")" "" "(closed loop: queueing by design)"
  row "at $RATE/s: acknowledged sends/s" "$(jq '.acked_per_second | floor' <<<"$P")" "$(jq '.acked_per_second | floor' <<<"$MP") (mqtt)" "" ""
  for q in p50 p90 p99 max; do
    RP=$(jq ".delivery_latency.${q}_ms" <<<"$P")
    MQ=$(jq ".delivery_latency.${q}_ms" <<<"$MP")
    case $q in p50) g="<= 5 ms: $(verdict "$RP" '<=' 5)" ;; p99) g="<= 50 ms: $(verdict "$RP" '<=' 50)" ;; *) g="" ;; esac
    row "at $RATE/s: latency send->delivery $q (ms)" "$RP" "$MQ (mqtt)" "$(ratio "$RP" "$MQ")" "$g"
  done
  row "at $RATE/s: relay RSS (MiB)" "$(jq '.server.relay_resident_bytes / 1048576 | . * 10 | floor / 10' <<<"$P")" \
    "$(jq '.server.server_resident_bytes / 1048576 | . * 10 | floor / 10' <<<"$MP") (mqtt)" "" ""
  row "sustained: store jobs/batch, batches/s" \
    "$(jq -r '"\(.server.store_jobs_per_batch | floor), \(.server.store_batches_per_second | floor)"' <<<"$S")" "" "" ""
  row "sustained: CPU relay / load generator (%)" \
    "$(jq -r '"\(.server.server_cpu_percent | floor)/\(.server.bench_cpu_percent | floor)"' <<<"$S")" \
    "$(jq -r '"\(.server.server_cpu_percent | floor)/\(.server.bench_cpu_percent | floor)"' <<<"$MS") (mqtt)" "" ""
  row "other processes' CPU in the windows (%)" \
    "$(jq '.server.other_cpu_percent | floor' <<<"$S")/$(jq '.server.other_cpu_percent | floor' <<<"$P")" \
    "$(jq '.server.other_cpu_percent | floor' <<<"$MS")/$(jq '.server.other_cpu_percent | floor' <<<"$MP") (mqtt)" "" "(sustained/paced; should be ~0)"
  row "messages setup: 2,000 accounts; logins (s)" "$(jq -r '"\(.setup.register_seconds * 10 | floor / 10); \(.setup.login_seconds * 10 | floor / 10)"' <<<"$S")" "" "" ""
fi
if ((${#NOISY[@]} > 0)); then
  echo "WARNING: the machine was busy with other work during: ${NOISY[*]}"
fi
echo
SUMMARY=$(jq -n \
  --arg relay_idle_up "${RELAY_IDLE_UP:-}" --arg relay_per_conn "${RELAY_PER_CONN:-}" --arg mq_per_conn "${MQ_PER_CONN:-}" \
  --arg relay_rss_before "${RELAY_RSS_BEFORE:-}" --arg relay_rss_held "${RELAY_RSS_HELD:-}" \
  --arg mq_rss_before "${MQ_RSS_BEFORE:-}" --arg mq_rss_held "${MQ_RSS_HELD:-}" --arg mq_idle_up "${MQ_IDLE_UP:-}" \
  --arg sustained "${RS:-}" --arg anchor50 "${A50:-}" --arg mqtt_sustained "${MQS:-}" \
  '{bench: "run_relay_bench", idle: {relay_up: $relay_idle_up, relay_bytes_per_connection: $relay_per_conn,
    relay_rss_before: $relay_rss_before, relay_rss_held: $relay_rss_held, mosquitto_up: $mq_idle_up,
    mosquitto_bytes_per_connection: $mq_per_conn, mosquitto_rss_before: $mq_rss_before, mosquitto_rss_held: $mq_rss_held},
    messages: {relay_sustained_per_second: $sustained, sqlite_anchor_batch50_per_second: $anchor50,
    mosquitto_qos1_sustained_per_second: $mqtt_sustained}}' | jq -c .)
echo "$SUMMARY"
