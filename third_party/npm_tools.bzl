"""npm_tool: a binary from an npm package installed under tools/ (./bazelw runs npm ci there).

Bazel 4 from Debian cannot fetch npm packages itself, so the repository links the binary that
npm ci put into the workspace. Depending on the lockfile re-runs the rule when the pinned
version changes.
"""

def _npm_tool_impl(ctx):
    lock = ctx.path(ctx.attr.lockfile)
    binary = lock.dirname.get_child("node_modules")
    for part in ctx.attr.binary.split("/"):
        binary = binary.get_child(part)
    if binary.exists:
        ctx.symlink(binary, ctx.attr.name)
    else:
        # Fails where the tool is used, with the fix, instead of failing every build.
        ctx.file(ctx.attr.name, "\n".join([
            "#!/bin/sh",
            "echo '%s is not installed: run ./bazelw (it runs npm ci in %s)' >&2" %
            (ctx.attr.binary, lock.dirname),
            "exit 1",
            "",
        ]), executable = True)
    ctx.file("BUILD.bazel", 'exports_files(["%s"])\n' % ctx.attr.name)

npm_tool = repository_rule(
    implementation = _npm_tool_impl,
    attrs = {
        "lockfile": attr.label(mandatory = True, allow_single_file = True),
        "binary": attr.string(mandatory = True, doc = "path under node_modules"),
    },
)

def _npm_modules_impl(ctx):
    lock = ctx.path(ctx.attr.lockfile)
    modules = lock.dirname.get_child("node_modules")
    # Tests read the path and give it to node as NODE_PATH; node_modules holds file names that
    # are not valid Bazel labels, so it is not globbed into the build.
    ctx.file("node_path.txt", str(modules) + "\n")
    ctx.file("BUILD.bazel", 'exports_files(["node_path.txt"])\n')

npm_modules = repository_rule(
    implementation = _npm_modules_impl,
    attrs = {"lockfile": attr.label(mandatory = True, allow_single_file = True)},
    doc = "node_path.txt: where npm ci put the packages of `lockfile`.",
)
