#!/usr/bin/env bash
# spark-submit on this machine: local[UNIREP_LOCAL_CORES] (default: all cores).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
driver_log4j=$root/conf/log4j2.properties executor_log4j=$root/conf/log4j2.properties
submit "local[${UNIREP_LOCAL_CORES:-*}]"
