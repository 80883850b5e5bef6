// libfake.so: registers prpl-fake.
#include "purple.h"
#include "testing/fake_prpl/prpl_plugin.h"

extern "C" G_MODULE_EXPORT gboolean purple_init_plugin(PurplePlugin* plugin) {
  return lilac::testing::fake::RegisterFakePrpl(
      plugin, lilac::testing::fake::kFakeFlavor);
}
