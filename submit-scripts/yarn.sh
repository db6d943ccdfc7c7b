#!/usr/bin/env bash
# spark-submit to YARN. Required: HADOOP_CONF_DIR (or YARN_CONF_DIR). Optional: UNIREP_DEPLOY_MODE
# (cluster, the default, or client), UNIREP_QUEUE, UNIREP_NUM_EXECUTORS. In cluster mode, local
# files among the arguments (a sweep config) are shipped with --files and passed by name.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] || die "HADOOP_CONF_DIR is not set: the directory holding the cluster's core-site.xml and yarn-site.xml"
mode=${UNIREP_DEPLOY_MODE:-cluster}
case "$mode" in cluster|client) ;; *) die "UNIREP_DEPLOY_MODE = $mode, expected cluster or client" ;; esac
opts=(--deploy-mode "$mode")
[ -n "${UNIREP_QUEUE:-}" ] && opts+=(--queue "$UNIREP_QUEUE")
[ -n "${UNIREP_NUM_EXECUTORS:-}" ] && opts+=(--num-executors "$UNIREP_NUM_EXECUTORS")
files=()
if [ "$mode" = cluster ]; then
  for i in "${!args[@]}"; do
    a=${args[$i]}
    if [[ "$a" == *.conf && -f "$a" ]]; then files+=("$a"); args[$i]=$(basename "$a"); fi
  done
fi
if $gpu; then
  files+=("$root/conf/gpu-discovery.sh")
  opts+=(--conf spark.executor.resource.gpu.discoveryScript=./gpu-discovery.sh)
fi
[ ${#files[@]} -gt 0 ] && opts+=(--files "$(IFS=,; echo "${files[*]}")")
submit yarn "${opts[@]}"
