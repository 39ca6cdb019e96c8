#!/usr/bin/env bash
# Restarts a command as a background process tracked by a pid file, for hosts (or containers
# and tests) without systemd; deploy.sh runs it as RESTART_CMD, for example:
#   RESTART_CMD='deploy/restart-background.sh /var/run/pulse.pid /var/log/pulse.log \
#                java -jar "$PULSE_HOME/pulse.jar" dev'
#
#   restart-background.sh PIDFILE LOGFILE COMMAND [ARG]...
#
# The old process gets SIGTERM and STOP_TIMEOUT seconds (default 40) for PULSE's graceful stop
# (which also stops dev mode's embedded database); then its whole process group is killed.
# The new one runs in its own session, output appended to LOGFILE.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: restart-background.sh PIDFILE LOGFILE COMMAND [ARG]..." >&2; exit 64; }
pidfile="$1"
logfile="$2"
shift 2
STOP_TIMEOUT="${STOP_TIMEOUT:-40}"

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "restart-background.sh: stopping $pid"
    kill -TERM "$pid" 2>/dev/null || true
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "restart-background.sh: $pid did not stop in $STOP_TIMEOUT s; killing its process group"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
fi

mkdir -p "$(dirname "$logfile")" "$(dirname "$pidfile")"
# Not a process-group leader inside this non-interactive shell, so setsid execs in place and
# $! is the command's own pid.
setsid "$@" >>"$logfile" 2>&1 </dev/null &
echo $! >"$pidfile"
echo "restart-background.sh: started $! ($*)"
