"""libFuzzer targets whose seed corpus is also a regression test.

lilac_fuzz_target(name, srcs, deps, corpus) defines:
  - `name`: the libFuzzer binary. Tagged manual: it links only with clang and
    --config=fuzz (`./bazelw run --config=fuzz //pkg:name -- corpus_dir`).
  - `name + "_corpus_test"`: a test, built with any compiler, that feeds every
    file of `corpus` (a directory in the package) to the target once.
"""

def lilac_fuzz_target(name, srcs, deps, corpus):
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = srcs,
        deps = deps + ["//tools/fuzzing:corpus_main"],
        data = native.glob([corpus + "/**"]),
        args = [native.package_name() + "/" + corpus],
    )
