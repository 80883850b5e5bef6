#!/bin/bash
# spectrum_emulator_main drives the echo backend from arguments and from
# stdin, prints what comes back, hides the password and fails on a failed
# wait.
set -euo pipefail

dir="${TEST_SRCDIR}/${TEST_WORKSPACE}/testing/spectrum_emulator"
main="${dir}/spectrum_emulator_main"
backend="${dir}/echo_backend"
config="${TEST_TMPDIR}/backend.cfg"
printf '[service]\nprotocol=prpl-echo\n' > "${config}"

out="$("${main}" --backend="${backend}" --config="${config}" --timeout=10s \
  'login alice@x alice s3cret-pass' \
  'wait_connected alice@x' \
  'send alice@x bob hello world' \
  'wait_message alice@x bob' \
  'bench alice@x bob 100' \
  'exit' \
  'wait_exit')"
echo "${out}"
grep -q '^< CONNECTED {user: "alice@x"}' <<<"${out}"
grep -q 'message: "hello world"' <<<"${out}"
grep -q '^bench: 100 round trips' <<<"${out}"
grep -q '^backend exited with code 0' <<<"${out}"
if grep -q 's3cret-pass' <<<"${out}"; then
  echo "password printed" >&2
  exit 1
fi

# From stdin, and a failing wait makes the run fail.
if printf 'send alice@x bob hi\nwait_connected nobody@x\n' |
   "${main}" --backend="${backend}" --config="${config}" --timeout=300ms \
     > "${TEST_TMPDIR}/failing.txt"; then
  echo "expected a failure" >&2
  exit 1
fi
grep -q '^FAILED: DEADLINE_EXCEEDED' "${TEST_TMPDIR}/failing.txt"
grep -q 'message: "hi"' "${TEST_TMPDIR}/failing.txt"
echo PASS
