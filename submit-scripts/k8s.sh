#!/usr/bin/env bash
# spark-submit to Kubernetes (cluster mode). Required: K8S_MASTER (k8s://https://api-host:6443) and
# SPARK_IMAGE (a Spark 3.5 / Java 17 image holding the app jar). Optional: K8S_NAMESPACE (default),
# K8S_SERVICE_ACCOUNT (spark), UNIREP_APP_JAR (default local:///opt/unirep/unirep-spark-jobs-app.jar),
# UNIREP_NUM_EXECUTORS. Sweep configs and data must be at paths the pods can read (hdfs://, s3a://, or in the image);
# the image holds conf/ at /opt/unirep/conf (log4j2.properties, gpu-discovery.sh).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${UNIREP_APP_JAR:=local:///opt/unirep/unirep-spark-jobs-app.jar}"
parse_args "$@"
driver_log4j=/opt/unirep/conf/log4j2.properties executor_log4j=/opt/unirep/conf/log4j2.properties
require K8S_MASTER "the API server, e.g. k8s://https://api-host:6443"
require SPARK_IMAGE "the container image for driver and executors"
opts=(--deploy-mode cluster
      --conf "spark.kubernetes.container.image=$SPARK_IMAGE"
      --conf "spark.kubernetes.namespace=${K8S_NAMESPACE:-default}"
      --conf "spark.kubernetes.authenticate.driver.serviceAccountName=${K8S_SERVICE_ACCOUNT:-spark}")
[ -n "${UNIREP_NUM_EXECUTORS:-}" ] && opts+=(--conf "spark.executor.instances=$UNIREP_NUM_EXECUTORS")
if $gpu; then
  opts+=(--conf spark.executor.resource.gpu.vendor=nvidia.com
         --conf spark.executor.resource.gpu.discoveryScript=/opt/unirep/conf/gpu-discovery.sh)
fi
submit "$K8S_MASTER" "${opts[@]}"
