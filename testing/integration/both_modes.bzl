"""A suite run against both ways lilacd hosts libpurple."""

def lilacd_suite(name, env = {}, tags = [], **kwargs):
    """A cc_test, twice: `name` against lilacd as it starts by default (libpurple
    in worker processes), and `name`_in_process with libpurple inside the lilacd
    process (--workers=0). The second stays out of the sanitizer pass, which the
    first covers: both modes run the same host code."""
    native.cc_test(name = name, env = env, tags = tags, **kwargs)
    in_process_env = dict(env)
    in_process_env["LILAC_TEST_LILACD_FLAGS"] = "--workers=0"
    native.cc_test(
        name = name + "_in_process",
        env = in_process_env,
        tags = tags + ["no_asan"],
        **kwargs
    )
