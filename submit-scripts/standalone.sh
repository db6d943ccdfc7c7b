#!/usr/bin/env bash
# spark-submit to a Spark standalone master. Required: SPARK_MASTER_URL (spark://host:7077).
# Optional: UNIREP_MAX_CORES (spark.cores.max: how much of the cluster the sweep takes),
# UNIREP_EXECUTOR_LOG4J (a log4j2.properties path present on every worker; else the workers' own).
# Workers offer GPUs with spark.worker.resource.gpu.amount and .discoveryScript in their own config.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
require SPARK_MASTER_URL "the standalone master, e.g. spark://master-host:7077"
driver_log4j=$root/conf/log4j2.properties executor_log4j=${UNIREP_EXECUTOR_LOG4J:-}
opts=(--deploy-mode client)
[ -n "${UNIREP_MAX_CORES:-}" ] && opts+=(--conf "spark.cores.max=$UNIREP_MAX_CORES")
$gpu && opts+=(--conf "spark.executor.resource.gpu.discoveryScript=$root/conf/gpu-discovery.sh")
submit "$SPARK_MASTER_URL" "${opts[@]}"
