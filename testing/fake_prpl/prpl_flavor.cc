#include "testing/fake_prpl/prpl_flavor.h"

namespace lilac::testing::fake {
namespace {
const PrplFlavor* current = &kFakeFlavor;
}  // namespace

void SetFlavor(const PrplFlavor& flavor) { current = &flavor; }
const PrplFlavor& Flavor() { return *current; }
const char* RoomComponent() { return current->facebook ? "name" : "room"; }

}  // namespace lilac::testing::fake
