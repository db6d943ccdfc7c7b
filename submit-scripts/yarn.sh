#!/usr/bin/env bash
# spark-submit to YARN. Required: HADOOP_CONF_DIR (or YARN_CONF_DIR). Optional: UNIREP_DEPLOY_MODE
# (cluster, the default, or client), UNIREP_QUEUE, UNIREP_NUM_EXECUTORS, UNIREP_JAVA_HOME (a Java 17
# on every node, for clusters whose default Java is older). In cluster mode, local files among the
# arguments (a sweep config) are shipped with --files and passed by name; conf/log4j2.properties
# is shipped to every container.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] || die "HADOOP_CONF_DIR is not set: the directory holding the cluster's core-site.xml and yarn-site.xml"
mode=${UNIREP_DEPLOY_MODE:-cluster}
case "$mode" in cluster|client) ;; *) die "UNIREP_DEPLOY_MODE = $mode, expected cluster or client" ;; esac
opts=(--deploy-mode "$mode")
executor_log4j=log4j2.properties
if [ "$mode" = cluster ]; then driver_log4j=log4j2.properties; else driver_log4j=$root/conf/log4j2.properties; fi
if [ -n "${UNIREP_JAVA_HOME:-}" ]; then
  opts+=(--conf "spark.executorEnv.JAVA_HOME=$UNIREP_JAVA_HOME" --conf "spark.yarn.appMasterEnv.JAVA_HOME=$UNIREP_JAVA_HOME")
fi
[ -n "${UNIREP_QUEUE:-}" ] && opts+=(--queue "$UNIREP_QUEUE")
[ -n "${UNIREP_NUM_EXECUTORS:-}" ] && opts+=(--num-executors "$UNIREP_NUM_EXECUTORS")
files=("$root/conf/log4j2.properties")
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
