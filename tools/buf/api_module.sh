# Sourced by the buf tests: copies buf.yaml and the API's .proto files (the Bazel runfiles) into
# a buf module under TEST_TMPDIR, laid out as in the repository, and enters it.
# Usage: enter_api_module <buf.yaml> <proto>...
enter_api_module() {
  local config="$1"
  shift
  local module="${TEST_TMPDIR}/module"
  mkdir -p "${module}/protos/lilac/v1"
  cp -L "${config}" "${module}/buf.yaml"
  local proto
  for proto in "$@"; do
    cp -L "${proto}" "${module}/protos/lilac/v1/"
  done
  export BUF_CACHE_DIR="${TEST_TMPDIR}/buf-cache"
  cd "${module}"
}
