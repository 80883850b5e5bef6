"""cc_grpc_proto: C++ message (and optionally gRPC service) code for .proto files.

Runs Debian's protoc and grpc_cpp_plugin in a genrule, so no BUILD file repeats a protoc command
line. Imports resolve from `import_root` (the workspace root by default) and from the system's
well-known types.
"""

def cc_grpc_proto(
        name,
        srcs,
        deps = [],
        grpc = True,
        import_root = "",
        visibility = None,
        testonly = False):
    """Declares `name`, a cc_library with the generated code of `srcs`.

    Args:
      name: the cc_library's name.
      srcs: .proto files in this package.
      deps: other cc_grpc_proto targets whose protos `srcs` import.
      grpc: also generate gRPC service stubs (.grpc.pb.*).
      import_root: workspace directory the protos' import paths start from (protos/ for
        "lilac/v1/x.proto"); C++ includes the generated headers by the same paths.
      visibility: of the cc_library.
      testonly: as for any rule.
    """
    package = native.package_name()
    prefix = package + "/" if package else ""
    outs = []
    for src in srcs:
        if not src.endswith(".proto"):
            fail("cc_grpc_proto srcs must be .proto files: " + src)
        stem = src[:-len(".proto")]
        outs += [stem + ".pb.h", stem + ".pb.cc"]
        if grpc:
            outs += [stem + ".grpc.pb.h", stem + ".grpc.pb.cc"]

    dep_protos = [d + "_protos" for d in deps]
    if import_root and not (package + "/").startswith(import_root + "/"):
        fail("cc_grpc_proto: package %s is not under import_root %s" % (package, import_root))
    root = import_root if import_root else "."
    out_dir = "$(GENDIR)/" + import_root if import_root else "$(GENDIR)"
    plugin = ""
    if grpc:
        plugin = " --plugin=protoc-gen-grpc=$$(command -v grpc_cpp_plugin) --grpc_out=" + out_dir
    native.genrule(
        name = name + "_codegen",
        srcs = srcs + dep_protos,
        outs = outs,
        cmd = "protoc -I" + root + " --cpp_out=" + out_dir + plugin + " " +
              " ".join([prefix + s for s in srcs]),
        testonly = testonly,
    )

    # The .proto sources, for protos in other packages that import these.
    native.filegroup(
        name = name + "_protos",
        srcs = srcs + dep_protos,
        visibility = visibility,
        testonly = testonly,
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        deps = deps + (["@system//:grpcpp"] if grpc else ["@system//:protobuf"]),
        strip_include_prefix = "/" + import_root if import_root else None,
        visibility = visibility,
        testonly = testonly,
    )
