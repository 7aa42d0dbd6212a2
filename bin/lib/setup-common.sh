# Shared by the project's stamped set-up scripts (airflow-dags/scripts/setup-venv.sh,
# airflow-dags/scripts/setup-flink.sh, training-datasets/peer/setup-venv.sh); sourced, not run.
# Each script installs one pinned set into one folder and writes a stamp (what it installed from)
# last, so an interrupted install leaves no stamp and the next run starts over.

# setup_args TAG [--force]: sets `force` (true|false); anything else is a usage error (exit 2).
setup_args() {
  local tag="$1"
  shift
  force=false
  case "${1:-}" in
    "") ;;
    --force) force=true ;;
    *) echo "usage: $tag [--force]      (PYTHON=python3.x to choose the interpreter)" >&2; exit 2 ;;
  esac
}

# setup_python TAG PYTHON: fails (exit 1) with what to do when the interpreter is missing.
setup_python() {
  command -v "$2" >/dev/null 2>&1 && return 0
  echo "$1: '$2' not found (set PYTHON to a Python 3.11+ interpreter)" >&2
  exit 1
}

# setup_current TAG EXECUTABLE STAMP WANT: true (and says so) when EXECUTABLE exists, the stamp
# says WANT and no --force was given; the caller then exits 0.
setup_current() {
  local tag="$1" executable="$2" stamp="$3" want="$4"
  if ! $force && [[ -x "$executable" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$tag: $(dirname "$stamp") is up to date ($want)"
    return 0
  fi
  return 1
}

# pip quiet and non-interactive for every install below
setup_pip_env() {
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
}
