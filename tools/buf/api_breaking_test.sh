#!/usr/bin/env bash
# Checks lilac's API against its freeze (frozen_api.json): with buf's FILE rules nothing in it
# may be removed, renamed, renumbered or retyped; additions pass. A control removes a field from
# a copy, so a check that compares nothing cannot pass.
# Usage: api_breaking_test.sh <buf> <buf.yaml> <frozen_api.json> <proto>...
set -euo pipefail

source "$(dirname "$0")/api_module.sh"
buf="$(realpath "$1")"
config="$2"
frozen="$(realpath "$3")"
shift 3
enter_api_module "${config}" "$@"

if ! "${buf}" breaking --against "${frozen}" --error-format=text; then
  echo "FAIL: the API breaks its freeze (above); lilac.v1 only grows: add, never change" >&2
  exit 1
fi
echo "buf breaking: nothing in the freeze changed"

# The control: a field the freeze has must not disappear unnoticed.
sed -i '/^  uint64 transfer_id = 1;$/d' protos/lilac/v1/files.proto
if "${buf}" breaking --against "${frozen}" --error-format=text \
    >"${TEST_TMPDIR}/control.txt" 2>&1 ||
  ! grep -q 'transfer_id' "${TEST_TMPDIR}/control.txt"; then
  echo "FAIL: buf breaking did not report a deleted field:" >&2
  cat "${TEST_TMPDIR}/control.txt" >&2
  exit 1
fi
echo "control: a deleted field is reported"
