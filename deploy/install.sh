#!/usr/bin/env bash
# Installs a built PULSE on this host: the jars as a new release under $PREFIX/releases/ with a
# `current` symlink, the environment file with generated secrets, the system user and the
# systemd unit. Safe to run again: an existing environment file is never changed.
#
#   deploy/install.sh [--role server|worker] [--source DIR] [--from DIR] [--release NAME]
#                     [--set KEY=VALUE]... [--config-only] [--no-activate]
#
#   --role         server (pulse.jar, unit pulse) or worker (pulse-worker.jar, unit pulse-worker)
#   --source       the PULSE checkout being installed (default: the one holding this script);
#                  its deploy/, config/*.env.example and docs/ are copied into the release
#   --from         directory holding the built jars (default: SOURCE/launcher/target)
#   --release      name of the release directory (default: UTC time, e.g. 20261203T140000Z)
#   --set K=V      a setting written into a newly created environment file (repeatable)
#   --config-only  user, directories, environment file and unit only; no release
#   --no-activate  install the release but leave `current` and the service alone (deploy.sh)
#
# Every path can be overridden from the environment (tests install into a temp directory):
#   PREFIX=/opt/pulse  ETC_DIR=/etc/pulse  SYSTEMD_DIR=/etc/systemd/system
#   STATE_DIR=/var/lib/pulse (server) or /var/lib/pulse-worker (worker)
#   USE_SYSTEMD=auto|yes|no  (auto: only when systemd is running)   CREATE_USER=auto|no
#   WORKER_API_KEY=…  for a worker: the server's key, copied into the worker's environment file
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

role=server
source_dir="$root"
from=""
release=""
config_only=no
activate=yes
settings=()

log() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: ERROR: %s\n' "$*" >&2; exit "${2:-1}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --role) role="${2:?--role needs server or worker}"; shift 2 ;;
    --role=*) role="${1#*=}"; shift ;;
    --source) source_dir="${2:?--source needs a directory}"; shift 2 ;;
    --source=*) source_dir="${1#*=}"; shift ;;
    --from) from="${2:?--from needs a directory}"; shift 2 ;;
    --from=*) from="${1#*=}"; shift ;;
    --release) release="${2:?--release needs a name}"; shift 2 ;;
    --release=*) release="${1#*=}"; shift ;;
    --set) settings+=("${2:?--set needs KEY=VALUE}"); shift 2 ;;
    --set=*) settings+=("${1#*=}"); shift ;;
    --config-only) config_only=yes; shift ;;
    --no-activate) activate=no; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" 64 ;;
  esac
done

case "$role" in
  server) service=pulse; jars=(pulse.jar pulse-worker.jar); required_jar=pulse.jar
          env_name=pulse.env; default_state=/var/lib/pulse ;;
  worker) service=pulse-worker; jars=(pulse-worker.jar); required_jar=pulse-worker.jar
          env_name=pulse-worker.env; default_state=/var/lib/pulse-worker ;;
  *) die "--role must be server or worker, got '$role'" 64 ;;
esac

PREFIX="${PREFIX:-/opt/pulse}"
ETC_DIR="${ETC_DIR:-/etc/pulse}"
SYSTEMD_DIR="${SYSTEMD_DIR:-/etc/systemd/system}"
STATE_DIR="${STATE_DIR:-$default_state}"
USE_SYSTEMD="${USE_SYSTEMD:-auto}"
CREATE_USER="${CREATE_USER:-auto}"
env_file="$ETC_DIR/$env_name"
run_user=root
[ "$role" = server ] && run_user=pulse

systemd_running() {
  case "$USE_SYSTEMD" in
    yes) return 0 ;;
    no) return 1 ;;
    *) [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 ;;
  esac
}

# 64 hex digits from the kernel's CSPRNG; od is in coreutils, so no openssl is needed.
secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

# Sets KEY=VALUE in an env file: replaces an existing KEY= line or appends one.
set_key() {
  local file="$1" key="$2" value="$3" tmp
  tmp="$(mktemp "$file.XXXXXX")"
  awk -v key="$key" -v value="$value" '
    BEGIN { done = 0 }
    index($0, key "=") == 1 { print key "=" value; done = 1; next }
    { print }
    END { if (!done) print key "=" value }' "$file" >"$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$file"
}

ensure_user() {
  [ "$run_user" = root ] && return 0
  if id -u "$run_user" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$CREATE_USER" = no ]; then
    log "not creating the system user '$run_user' (CREATE_USER=no)"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1; then
    log "cannot create the system user '$run_user' here (not root or no useradd); create it before starting the service"
    return 0
  fi
  useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
    --shell /usr/sbin/nologin --comment "PULSE" "$run_user"
  log "created system user '$run_user'"
}

ensure_dirs() {
  mkdir -p "$PREFIX/releases" "$STATE_DIR"
  mkdir -p "$ETC_DIR"
  chmod 0750 "$ETC_DIR" "$STATE_DIR"
  if [ "$(id -u)" -eq 0 ] && id -u "$run_user" >/dev/null 2>&1; then
    chown "$run_user:" "$STATE_DIR"
  fi
}

ensure_env_file() {
  if [ -f "$env_file" ]; then
    log "kept the existing $env_file"
    [ "${#settings[@]}" -eq 0 ] || log "ignored --set: $env_file exists already; edit it instead"
    return 0
  fi
  local example="$source_dir/config/$role.env.example" tmp kv
  [ -f "$example" ] || die "$example is missing; run install.sh from a PULSE checkout or release"
  tmp="$(umask 077 && mktemp "$env_file.XXXXXX")"
  {
    printf '# Created by deploy/install.sh on %s from %s.\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "config/$role.env.example"
    printf '# Read by systemd (EnvironmentFile=) for the %s service. Keep it mode 0600.\n' "$service"
    cat "$example"
  } >"$tmp"
  if [ "$role" = server ]; then
    set_key "$tmp" WORKER_API_KEY "$(secret)"
    set_key "$tmp" SECRET_KEY "$(secret)"
  else
    set_key "$tmp" WORKER_NAME "$(hostname -s 2>/dev/null || hostname)"
    if [ -n "${WORKER_API_KEY:-}" ]; then
      set_key "$tmp" WORKER_API_KEY "$WORKER_API_KEY"
    fi
  fi
  for kv in "${settings[@]}"; do
    case "$kv" in
      [A-Z_]*=*) set_key "$tmp" "${kv%%=*}" "${kv#*=}" ;;
      *) rm -f "$tmp"; die "--set expects KEY=VALUE, got '$kv'" 64 ;;
    esac
  done
  chmod 600 "$tmp"
  mv -f "$tmp" "$env_file"
  if [ "$role" = server ]; then
    log "created $env_file (mode 0600) with generated WORKER_API_KEY and SECRET_KEY"
  else
    log "created $env_file (mode 0600); check WORKER_NAME, WORKER_GROUPS and the CLUSTER_* addresses"
  fi
  if grep -q '=change-me$' "$env_file"; then
    log "still to fill in $env_file: $(grep '=change-me$' "$env_file" | cut -d= -f1 | paste -sd, - | sed 's/,/, /g')"
  fi
}

install_release() {
  [ -n "$from" ] || from="$source_dir/launcher/target"
  [ -f "$from/$required_jar" ] || die "no $required_jar in $from: build first (mvn -B -DskipTests package) or pass --from DIR"
  [ -n "$release" ] || release="$(date -u +%Y%m%dT%H%M%SZ)"
  case "$release" in */*|.*|"") die "--release must be a plain directory name, got '$release'" 64 ;; esac
  local target="$PREFIX/releases/$release" tmp jar
  [ ! -e "$target" ] || die "release $target exists already; pick another --release name"
  tmp="$PREFIX/releases/.incoming-$release"
  rm -rf "$tmp"
  mkdir -p "$tmp/config" "$tmp/docs"
  for jar in "${jars[@]}"; do
    if [ -f "$from/$jar" ]; then
      cp "$from/$jar" "$tmp/$jar"
    fi
  done
  # The tools travel with the release, so the next deploy runs a copy nobody is rewriting.
  # A source without deploy/ (a commit older than these scripts) gets the running ones.
  if [ -d "$source_dir/deploy" ]; then
    cp -R "$source_dir/deploy" "$tmp/deploy"
  else
    cp -R "$here" "$tmp/deploy"
  fi
  cp "$source_dir"/config/*.env.example "$tmp/config/"
  if [ -f "$source_dir/docs/operations.md" ]; then
    cp "$source_dir/docs/operations.md" "$tmp/docs/"
  fi
  {
    printf 'release=%s\n' "$release"
    printf 'role=%s\n' "$role"
    printf 'installed=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'commit=%s\n' "${GIT_COMMIT:-unknown}"
  } >"$tmp/RELEASE"
  chmod -R u=rwX,go=rX "$tmp"
  mv "$tmp" "$target"
  log "installed release $target"
}

switch_current() {
  ln -sfn "releases/$release" "$PREFIX/.current.new"
  mv -Tf "$PREFIX/.current.new" "$PREFIX/current"
  log "current -> releases/$release"
}

# Copies the unit with this installation's paths and returns 0 when the file changed.
install_unit() {
  local unit="$here/systemd/$service.service" target="$SYSTEMD_DIR/$service.service" tmp
  [ -f "$unit" ] || die "$unit is missing"
  mkdir -p "$SYSTEMD_DIR"
  tmp="$(mktemp "$target.XXXXXX")"
  sed -e "s#/opt/pulse#$(sed_escape "$PREFIX")#g" \
      -e "s#/etc/pulse#$(sed_escape "$ETC_DIR")#g" \
      -e "s#$default_state#$(sed_escape "$STATE_DIR")#g" "$unit" >"$tmp"
  chmod 644 "$tmp"
  if [ -f "$target" ] && cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$target"
  log "installed unit $target"
  return 0
}

sed_escape() { printf '%s' "$1" | sed -e 's/[#&\\]/\\&/g'; }

ensure_user
ensure_dirs
ensure_env_file
if [ "$config_only" = no ]; then
  install_release
fi

if [ "$activate" = no ]; then
  exit 0
fi
if [ "$config_only" = no ]; then
  switch_current
fi

if ! systemd_running; then
  install_unit || true
  log "systemd is not running here (a container?): the $service unit is not enabled or started."
  log "start PULSE yourself, e.g.: cd $STATE_DIR && set -a && . $env_file && set +a && java -jar $PREFIX/current/${required_jar} $role"
  exit 0
fi

if install_unit; then
  systemctl daemon-reload
fi
systemctl enable --quiet "$service.service"
if grep -q '=change-me$' "$env_file"; then
  log "enabled $service; not started: fill in $env_file, then run: systemctl start $service"
elif [ "$config_only" = yes ]; then
  log "enabled $service"
elif systemctl is-active --quiet "$service.service"; then
  systemctl restart "$service.service"
  log "restarted $service on release $release"
else
  systemctl start "$service.service"
  log "started $service on release $release"
fi
