#!/usr/bin/env bash
# Deploys a new PULSE version from git: fetch the ref, build it, back up the environment file,
# install the jars as a new release next to the old ones, switch `current`, restart, verify
# GET /health, and roll back to the previous release when the new one does not come up.
#
#   deploy/deploy.sh [--role server|worker] [--ref REF] [--repo URL] [--force]
#
# Settings come from the environment, then from $DEPLOY_CONFIG (default $ETC_DIR/deploy.env,
# KEY=VALUE lines, never executed) for keys the environment leaves unset:
#   REPO_URL        git remote to fetch from (needed for the first deploy)
#   REF=main        branch, tag or commit to deploy
#   ROLE=server     server or worker
#   BUILD_DIR=/var/lib/pulse-deploy/src    the git work tree the build runs in
#   MVN_ARGS        extra Maven arguments, e.g. -o to build offline
#   HEALTH_URL      default http://<HOST>:<PORT from the env file>/health (server role);
#                   empty for a worker: the service must stay active for WORKER_SETTLE seconds
#   HEALTH_TIMEOUT=120   seconds the new release has to answer 200
#   RESTART_CMD     shell command that (re)starts PULSE from $PULSE_HOME when systemd is not
#                   used, e.g. deploy/restart-background.sh …
#   KEEP_RELEASES=5 releases kept on disk (always including the current and the previous one)
#   FORCE=1         rebuild and redeploy even when the commit is already the current release
#   DEPLOY_LOG      file that also receives these log lines
#   PUSHED_COMMIT   the pushed commit, set by the webhook (only logged: REF is what deploys)
#   PREFIX, ETC_DIR, SYSTEMD_DIR, STATE_DIR, USE_SYSTEMD: as for install.sh
#
# Exit codes: 0 deployed (or already current); 1 failed before switching (nothing changed);
#             2 the new release was unhealthy and PULSE is back on the previous release;
#             3 unhealthy and the rollback failed too (PULSE is down); 64 usage or setup error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf 'deploy.sh: %s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { printf 'deploy.sh: %s ERROR: %s\n' "$(date -u +%H:%M:%S)" "$1" >&2; exit "${2:-1}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --role) ROLE="${2:?--role needs server or worker}"; shift 2 ;;
    --role=*) ROLE="${1#*=}"; shift ;;
    --ref) REF="${2:?--ref needs a branch, tag or commit}"; shift 2 ;;
    --ref=*) REF="${1#*=}"; shift ;;
    --repo) REPO_URL="${2:?--repo needs a git URL}"; shift 2 ;;
    --repo=*) REPO_URL="${1#*=}"; shift ;;
    --force) FORCE=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" 64 ;;
  esac
done

ETC_DIR="${ETC_DIR:-/etc/pulse}"
DEPLOY_CONFIG="${DEPLOY_CONFIG:-$ETC_DIR/deploy.env}"
if [ -f "$DEPLOY_CONFIG" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"
    case "$key" in *[!A-Z0-9_]*|'') die "$DEPLOY_CONFIG: not a KEY=VALUE line: $line" 64 ;; esac
    if [ -z "${!key+set}" ]; then
      export "$key=${line#*=}"
    fi
  done <"$DEPLOY_CONFIG"
fi

ROLE="${ROLE:-server}"
REF="${REF:-main}"
REPO_URL="${REPO_URL:-}"
PREFIX="${PREFIX:-/opt/pulse}"
BUILD_DIR="${BUILD_DIR:-/var/lib/pulse-deploy/src}"
MVN_ARGS="${MVN_ARGS:-}"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-120}"
WORKER_SETTLE="${WORKER_SETTLE:-20}"
KEEP_RELEASES="${KEEP_RELEASES:-5}"
FORCE="${FORCE:-0}"
USE_SYSTEMD="${USE_SYSTEMD:-auto}"
RESTART_CMD="${RESTART_CMD:-}"
export PREFIX ETC_DIR USE_SYSTEMD

if [ -n "${DEPLOY_LOG:-}" ]; then
  mkdir -p "$(dirname "$DEPLOY_LOG")"
  exec > >(tee -a "$DEPLOY_LOG") 2>&1
fi

case "$ROLE" in
  server) service=pulse; env_file="$ETC_DIR/pulse.env"; jar=pulse.jar ;;
  worker) service=pulse-worker; env_file="$ETC_DIR/pulse-worker.env"; jar=pulse-worker.jar ;;
  *) die "ROLE must be server or worker, got '$ROLE'" 64 ;;
esac
case "$HEALTH_TIMEOUT$KEEP_RELEASES$WORKER_SETTLE" in *[!0-9]*) die "HEALTH_TIMEOUT, KEEP_RELEASES and WORKER_SETTLE must be whole numbers" 64 ;; esac

# The last KEY=value of the env file, or nothing.
env_value() {
  [ -r "$env_file" ] || return 0
  sed -n "s/^$1=\([^[:space:]]*\)[[:space:]]*\$/\1/p" "$env_file" | tail -1
}

if [ -z "${HEALTH_URL+set}" ]; then
  HEALTH_URL=""
  if [ "$ROLE" = server ]; then
    host="$(env_value HOST)"
    case "$host" in ''|0.0.0.0|::|'[::]') host=127.0.0.1 ;; *:*) host="[$host]" ;; esac
    port="$(env_value PORT)"
    HEALTH_URL="http://$host:${port:-8080}/health"
  fi
fi

use_systemctl() {
  [ -z "$RESTART_CMD" ] || return 1
  case "$USE_SYSTEMD" in
    yes) return 0 ;;
    no) return 1 ;;
    *) [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 ;;
  esac
}

preflight() {
  [ -f "$env_file" ] || die "$env_file is missing: run deploy/install.sh --role $ROLE first" 64
  local tool
  for tool in git mvn; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed" 64
  done
  if [ -n "$HEALTH_URL" ] && ! command -v curl >/dev/null 2>&1; then
    die "'curl' is not installed (needed to check $HEALTH_URL)" 64
  fi
  if [ -z "$RESTART_CMD" ] && ! use_systemctl; then
    die "cannot restart PULSE: systemd is not running here and RESTART_CMD is not set" 64
  fi
}

# The release `current` points at, or nothing.
current_release() {
  local target
  target="$(readlink "$PREFIX/current" 2>/dev/null)" || return 0
  basename "$target"
}

release_commit() {
  sed -n 's/^commit=//p' "$PREFIX/releases/$1/RELEASE" 2>/dev/null || true
}

fetch() {
  if [ ! -d "$BUILD_DIR/.git" ]; then
    [ -n "$REPO_URL" ] || die "REPO_URL is not set and $BUILD_DIR is no git checkout yet" 64
    log "cloning $REPO_URL into $BUILD_DIR"
    mkdir -p "$(dirname "$BUILD_DIR")"
    git clone --quiet --no-checkout "$REPO_URL" "$BUILD_DIR"
  elif [ -n "$REPO_URL" ]; then
    git -C "$BUILD_DIR" remote set-url origin "$REPO_URL"
  fi
  log "fetching $REF"
  git -C "$BUILD_DIR" fetch --quiet --prune --tags origin || die "git fetch from $(git -C "$BUILD_DIR" remote get-url origin) failed"
  local candidate
  sha=""
  for candidate in "refs/remotes/origin/$REF" "refs/tags/$REF" "$REF"; do
    if sha="$(git -C "$BUILD_DIR" rev-parse --verify --quiet "$candidate^{commit}")"; then
      break
    fi
  done
  [ -n "$sha" ] || die "'$REF' is no branch, tag or commit of $(git -C "$BUILD_DIR" remote get-url origin)"
}

checkout_and_build() {
  git -C "$BUILD_DIR" checkout --quiet --force --detach "$sha"
  # A clean tree, so the release holds exactly this commit; npm's downloads may stay.
  git -C "$BUILD_DIR" clean -ffdxq -e node_modules/
  local args=()
  read -r -a args <<<"$MVN_ARGS"
  log "building ${sha:0:12} (mvn -B -q -DskipTests ${MVN_ARGS:+$MVN_ARGS }package)"
  local began=$SECONDS
  if ! (cd "$BUILD_DIR" && mvn -B -q -DskipTests "${args[@]}" package); then
    die "the build of ${sha:0:12} failed; nothing was changed"
  fi
  [ -f "$BUILD_DIR/launcher/target/$jar" ] || die "the build of ${sha:0:12} made no launcher/target/$jar"
  log "built in $((SECONDS - began)) s"
}

backup_env() {
  local dir="$ETC_DIR/backup" name old
  name="$(basename "$env_file").$(date -u +%Y%m%dT%H%M%SZ)"
  (umask 077 && mkdir -p "$dir")
  cp -p "$env_file" "$dir/$name"
  chmod 600 "$dir/$name"
  log "backed up $env_file to $dir/$name"
  # Keep the ten newest backups of this file.
  find "$dir" -maxdepth 1 -type f -name "$(basename "$env_file").*" -printf '%f\n' | sort -r | tail -n +11 |
    while IFS= read -r old; do rm -f "$dir/$old"; done
}

switch_to() {
  ln -sfn "releases/$1" "$PREFIX/.current.new"
  mv -Tf "$PREFIX/.current.new" "$PREFIX/current"
  log "current -> releases/$1"
}

restart() {
  if [ -n "$RESTART_CMD" ]; then
    log "restarting with RESTART_CMD"
    # 9>&-: the started PULSE must not inherit (and so hold) the deploy lock.
    PULSE_HOME="$PREFIX/current" bash -c "$RESTART_CMD" 9>&- || { log "RESTART_CMD failed with exit code $?"; return 1; }
  else
    log "systemctl restart $service"
    systemctl restart "$service.service" || { log "systemctl restart $service failed"; return 1; }
  fi
}

healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) code=""
  if [ -n "$HEALTH_URL" ]; then
    log "waiting up to $HEALTH_TIMEOUT s for 200 from $HEALTH_URL"
    while [ "$SECONDS" -lt "$deadline" ]; do
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$HEALTH_URL" || true)"
      if [ "$code" = 200 ]; then
        log "healthy: $HEALTH_URL answered 200"
        return 0
      fi
      sleep 2
    done
    log "unhealthy: no 200 from $HEALTH_URL within $HEALTH_TIMEOUT s (last answer: ${code:-none})"
    return 1
  fi
  if use_systemctl; then
    local restarts
    restarts="$(systemctl show -p NRestarts --value "$service.service")"
    log "no HEALTH_URL: checking that $service stays active for $WORKER_SETTLE s"
    sleep "$WORKER_SETTLE"
    if systemctl is-active --quiet "$service.service" &&
        [ "$(systemctl show -p NRestarts --value "$service.service")" = "$restarts" ]; then
      log "healthy: $service is active and did not restart"
      return 0
    fi
    log "unhealthy: $service is $(systemctl is-active "$service.service" || true) (see journalctl -u $service)"
    return 1
  fi
  log "no HEALTH_URL and no systemd: not verified"
  return 0
}

prune() {
  local keep_a="$1" keep_b="$2" names=() excess name
  rm -rf "$PREFIX"/releases/.incoming-*
  mapfile -t names < <(find "$PREFIX/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort)
  excess=$((${#names[@]} - KEEP_RELEASES))
  for name in "${names[@]}"; do
    [ "$excess" -gt 0 ] || break
    if [ "$name" != "$keep_a" ] && [ "$name" != "$keep_b" ]; then
      rm -rf "${PREFIX:?}/releases/$name"
      log "removed old release $name"
      excess=$((excess - 1))
    fi
  done
}

preflight
mkdir -p "$PREFIX/releases"
exec 9>"$PREFIX/.deploy.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
  log "another deploy is running; waiting for it"
  flock 9
fi

log "deploying $REF ($ROLE) into $PREFIX${PUSHED_COMMIT:+ (webhook: push of ${PUSHED_COMMIT:0:12})}"
fetch
previous="$(current_release)"
if [ "$FORCE" != 1 ] && [ -n "$previous" ] && [ "$(release_commit "$previous")" = "$sha" ]; then
  log "${sha:0:12} is already the current release ($previous); nothing to do (FORCE=1 redeploys)"
  exit 0
fi
checkout_and_build
release="$(date -u +%Y%m%dT%H%M%SZ)-${sha:0:12}"
backup_env
GIT_COMMIT="$sha" "$here/install.sh" --role "$ROLE" --source "$BUILD_DIR" \
  --from "$BUILD_DIR/launcher/target" --release "$release" --no-activate ||
  die "installing release $release failed; nothing was changed"

switch_to "$release"
if restart && healthy; then
  prune "$release" "$previous"
  log "deployed ${sha:0:12} as $release${previous:+ (previous: $previous)}"
  exit 0
fi

printf 'failed=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$PREFIX/releases/$release/RELEASE"
if [ -z "$previous" ]; then
  log "FAILED: $release is unhealthy and there is no previous release to roll back to"
  exit 3
fi
log "ROLLING BACK to $previous: $release did not become healthy"
switch_to "$previous"
if restart && healthy; then
  log "FAILED: ${sha:0:12} was not deployed; rolled back to $previous, which is healthy"
  exit 2
fi
log "FAILED: the rollback to $previous is unhealthy too; PULSE is down (journalctl -u $service)"
exit 3
