#!/usr/bin/env bash
# Lints lilac's API (protos/lilac/v1) with buf's STANDARD and COMMENTS rules as buf.yaml says,
# and checks that the lint does catch a defect, so a lint that sees no files cannot pass.
# Usage: api_lint_test.sh <buf> <buf.yaml> <proto>...
set -euo pipefail

source "$(dirname "$0")/api_module.sh"
buf="$(realpath "$1")"
config="$2"
shift 2
protos=$#
enter_api_module "${config}" "$@"

listed="$("${buf}" ls-files | grep -c '\.proto$' || true)"
if [[ "${listed}" != "${protos}" ]]; then
  echo "FAIL: buf sees ${listed} .proto files, expected ${protos}" >&2
  exit 1
fi

if ! "${buf}" lint --error-format=text; then
  echo "FAIL: buf lint found the problems above (rules: buf.yaml)" >&2
  exit 1
fi
echo "buf lint: ${listed} files, no findings"

# The control: an undocumented field must be reported.
sed -i 's/^message Failure {$/message Failure {\n  string undocumented_for_the_test = 99;/' \
  protos/lilac/v1/failures.proto
if "${buf}" lint --error-format=text >"${TEST_TMPDIR}/control.txt" 2>&1 ||
  ! grep -q undocumented_for_the_test "${TEST_TMPDIR}/control.txt"; then
  echo "FAIL: buf lint did not report an undocumented field:" >&2
  cat "${TEST_TMPDIR}/control.txt" >&2
  exit 1
fi
echo "control: an undocumented field is reported"
