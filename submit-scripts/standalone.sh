#!/usr/bin/env bash
# spark-submit to a Spark standalone master. Required: SPARK_MASTER_URL (spark://host:7077).
# Optional: UNIREP_MAX_CORES (spark.cores.max: how much of the cluster the sweep takes).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
require SPARK_MASTER_URL "the standalone master, e.g. spark://master-host:7077"
opts=(--deploy-mode client)
[ -n "${UNIREP_MAX_CORES:-}" ] && opts+=(--conf "spark.cores.max=$UNIREP_MAX_CORES")
$gpu && opts+=(--conf "spark.executor.resource.gpu.discoveryScript=$root/conf/gpu-discovery.sh")
submit "$SPARK_MASTER_URL" "${opts[@]}"
