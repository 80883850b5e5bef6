#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_PLUGIN_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_PLUGIN_H_

#include "purple.h"
#include "testing/fake_prpl/prpl_flavor.h"

namespace lilac::testing::fake {

// Fills `plugin` with the protocol plugin of `flavor` (info, callbacks,
// account options) and registers it; what purple_init_plugin returns.
gboolean RegisterFakePrpl(PurplePlugin* plugin, const PrplFlavor& flavor);

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_PLUGIN_H_
