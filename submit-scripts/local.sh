#!/usr/bin/env bash
# spark-submit on this machine: local[UNIREP_LOCAL_CORES] (default: all cores).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
parse_args "$@"
submit "local[${UNIREP_LOCAL_CORES:-*}]" --driver-java-options "-Dlog4j2.configurationFile=$root/conf/log4j2.properties"
