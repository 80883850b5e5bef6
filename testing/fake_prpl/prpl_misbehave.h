#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_MISBEHAVE_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_MISBEHAVE_H_

#include "testing/fake_prpl/fake_network.pb.h"

namespace lilac::testing::fake {

// Fails the way third-party plugins do in the wild, on the calling (loop)
// thread: a segfault, an abort, a hang or memory without bound. Returns only
// for KIND_UNSPECIFIED.
void Misbehave(v1::Misbehave::Kind kind);

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_MISBEHAVE_H_
