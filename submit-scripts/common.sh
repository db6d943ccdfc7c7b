# Shared by the submit scripts: options, defaults file, the command line, dry run.
# Usage: <script> [--gpu] [--dry-run] [--conf k=v ...] [--] <unirep subcommand> [args...]
#   e.g. submit-scripts/yarn.sh --gpu -- sweep conf/paper-mnist.conf
# Environment: UNIREP_APP_JAR (default: spark-jobs/target/unirep-spark-jobs-*-app.jar),
#   SPARK_HOME (else spark-submit from PATH), UNIREP_EVENT_LOG_DIR (turns the event log on there),
#   plus each script's own settings.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script=submit-scripts/$(basename "$0")
gpu=false dry_run=false extra=()
driver_log4j="" executor_log4j="" # where driver and executors find conf/log4j2.properties (set per script)

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

# The project's Spark settings as --conf flags. Not --properties-file: in Spark 3.5 that REPLACES
# the cluster's spark-defaults.conf (S3 connectors, event log, shuffle service on EMR, Dataproc,
# CDP); --conf flags go on top of it, and win only on the keys the project sets.
project_confs() {
  local line key value
  confs=()
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key=${line%%[[:space:]]*}
    value=${line#"$key"}
    value=${value#"${value%%[![:space:]]*}"}
    case "$key" in
      spark.driver.extraJavaOptions) [ -n "$driver_log4j" ] && value+=" -Dlog4j2.configurationFile=$driver_log4j" ;;
      spark.executor.extraJavaOptions) [ -n "$executor_log4j" ] && value+=" -Dlog4j2.configurationFile=$executor_log4j" ;;
    esac
    confs+=(--conf "$key=$value")
  done < "$defaults"
  if [ -n "${UNIREP_EVENT_LOG_DIR:-}" ]; then
    confs+=(--conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=$UNIREP_EVENT_LOG_DIR")
    echo "$script: event log: $UNIREP_EVENT_LOG_DIR (UNIREP_EVENT_LOG_DIR)"
  else
    echo "$script: event log: as the Spark installation's spark-defaults.conf sets it (set UNIREP_EVENT_LOG_DIR to choose a folder)"
  fi
}

# submit MASTER [spark-submit options...]: prints the command, then runs it unless --dry-run.
submit() {
  local master=$1; shift
  project_confs
  local cmd=("$spark_submit" --class org.unirep.cli.Main --master "$master" "${confs[@]}" "$@"
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
