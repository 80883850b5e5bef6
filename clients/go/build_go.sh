#!/usr/bin/env bash
# Builds a Go program of clients/go offline with Debian's Go in GOPATH mode: the lilac.v1
# stubs generated with protoc-gen-go and protoc-gen-go-grpc, Debian's Go packages from
# /usr/share/gocode (google.golang.org/grpc, google.golang.org/protobuf), nothing fetched.
# golang-github-golang-protobuf-1-5-dev, not 1-3: grpc-go 1.33 decodes through APIv1, and only
# 1.5 understands messages generated with APIv2.
# Usage: build_go.sh <output> <package> <go sources...> -- <protos...>
set -euo pipefail
out="$(realpath -m "$1")"
package="$2"
shift 2
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
sources=()
while [[ "$1" != "--" ]]; do sources+=("$1"); shift; done
shift
mkdir -p "${work}/src"
protoc -Iprotos --go_out="${work}/src" --go-grpc_out="${work}/src" "$@"
for source in "${sources[@]}"; do
  relative="${source#clients/go/}"
  relative="${relative#examples/}"
  mkdir -p "${work}/src/$(dirname "${relative}")"
  cp "${source}" "${work}/src/${relative}"
done
cd "${work}/src"
GO111MODULE=off GOPATH="${work}:/usr/share/gocode" GOCACHE="${work}/cache" HOME="${work}" \
  GOFLAGS= CGO_ENABLED=0 go build -o "${out}" "${package}"
