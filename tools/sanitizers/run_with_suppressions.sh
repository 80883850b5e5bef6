#!/bin/sh
# Runs a test (bazel --run_under) with the sanitizer suppression files of this folder. Bazel adds
# this target's runfiles to the test's, so the files sit beside the test's working directory.
# Absolute paths keep them valid for the processes a test starts (lilacd and others).
dir="${PWD}/tools/sanitizers"
export ASAN_OPTIONS="detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="fast_unwind_on_malloc=0:suppressions=${dir}/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=${dir}/ubsan.supp:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=${dir}/tsan.supp:${TSAN_OPTIONS:-}"
exec "$@"
