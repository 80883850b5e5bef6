// A shared library the test plugin links, left out of the plugin directory so
// that the plugin cannot be opened.
extern "C" int lilac_absent_library_value() { return 42; }
