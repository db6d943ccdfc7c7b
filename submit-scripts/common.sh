# Shared by the submit scripts: options, defaults file, the command line, dry run.
# Usage: <script> [--gpu] [--dry-run] [--conf k=v ...] [--] <unirep subcommand> [args...]
#   e.g. submit-scripts/yarn.sh --gpu -- sweep conf/paper-mnist.conf
# Environment: UNIREP_APP_JAR (default: spark-jobs/target/unirep-spark-jobs-*-app.jar),
#   SPARK_HOME (else spark-submit from PATH), plus each script's own settings.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=submit-scripts/$(basename "$0")
gpu=false dry_run=false extra=()

die() { echo "$script: $*" >&2; exit 2; }

require() { # require VAR "what it is"
  [ -n "${!1:-}" ] || die "$1 is not set: $2"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --gpu) gpu=true; shift ;;
      --dry-run) dry_run=true; shift ;;
      --conf) [ $# -ge 2 ] || die "--conf needs KEY=VALUE"; extra+=(--conf "$2"); shift 2 ;;
      --) shift; break ;;
      -h|--help) sed -n '2,6p' "$root/submit-scripts/common.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "no unirep subcommand given (e.g. -- sweep conf/smoke.conf)"
  args=("$@")
  defaults=$root/conf/spark-defaults-$($gpu && echo gpu || echo cpu).conf
  [ -f "$defaults" ] || die "$defaults not found"
  if [ -z "${UNIREP_APP_JAR:-}" ]; then
    UNIREP_APP_JAR=$(ls "$root"/spark-jobs/target/unirep-spark-jobs-*-app.jar 2>/dev/null | head -n 1 || true)
    : "${UNIREP_APP_JAR:=$root/spark-jobs/target/unirep-spark-jobs-0.1.0-SNAPSHOT-app.jar}"
  fi
  spark_submit=${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit
}

# submit MASTER [spark-submit options...]: prints the command, then runs it unless --dry-run.
submit() {
  local master=$1; shift
  local cmd=("$spark_submit" --class org.unirep.cli.Main --master "$master" --properties-file "$defaults" "$@"
             ${extra[@]+"${extra[@]}"} "$UNIREP_APP_JAR" "${args[@]}")
  echo "$script: $(printf '%q ' "${cmd[@]}")"
  $dry_run && return 0
  case "$UNIREP_APP_JAR" in
    local://*|hdfs://*|s3a://*|http*://*) ;;
    *) [ -f "$UNIREP_APP_JAR" ] || die "application jar $UNIREP_APP_JAR not found: run mvn -DskipTests package (or set UNIREP_APP_JAR)" ;;
  esac
  command -v "$spark_submit" >/dev/null || die "$spark_submit not found: set SPARK_HOME to a Spark 3.5 (Scala 2.12) installation"
  exec "${cmd[@]}"
}
