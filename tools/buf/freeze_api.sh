#!/usr/bin/env bash
# Writes the API's freeze (tools/buf/frozen_api.json) from protos/lilac/v1 as it is now, after an
# addition was released: //tools/buf:api_breaking_test then protects it too.
# Usage: bazel run //tools/buf:freeze_api
set -euo pipefail

buf="$(realpath "$1")"
cd "${BUILD_WORKSPACE_DIRECTORY:?run with bazel run}"
export BUF_CACHE_DIR="$(mktemp -d)"
trap 'rm -rf "${BUF_CACHE_DIR}"' EXIT
"${buf}" build --exclude-source-info -o -#format=json |
  /usr/bin/python3 -c 'import json, sys; json.dump(json.load(sys.stdin), sys.stdout, indent=1, sort_keys=True); print()' \
    >tools/buf/frozen_api.json
echo "wrote tools/buf/frozen_api.json"
