// A libpurple plugin file that links a library the dynamic linker will not
// find: what a plugin built for another system looks like to lilacd.
extern "C" int lilac_absent_library_value();
extern "C" int purple_init_plugin() { return lilac_absent_library_value(); }
