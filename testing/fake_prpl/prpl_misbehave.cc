#include "testing/fake_prpl/prpl_misbehave.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace lilac::testing::fake {

void Misbehave(v1::Misbehave::Kind kind) {
  switch (kind) {
    case v1::Misbehave::KIND_SEGFAULT: {
      volatile int* nowhere = nullptr;
      *nowhere = 1;  // a real SIGSEGV, as a plugin bug would raise
      break;
    }
    case v1::Misbehave::KIND_ABORT:
      std::abort();
    case v1::Misbehave::KIND_HANG:
      while (true) pause();
    case v1::Misbehave::KIND_ALLOCATE: {
      // Touched, so the memory is really used; kept, so it is never freed.
      constexpr size_t kChunk = 64 << 20;
      std::vector<char*>* kept = new std::vector<char*>();
      while (true) {
        char* chunk = static_cast<char*>(std::malloc(kChunk));
        if (chunk == nullptr) std::abort();  // as g_malloc does
        std::memset(chunk, 1, kChunk);
        kept->push_back(chunk);
      }
    }
    default:
      return;
  }
}

}  // namespace lilac::testing::fake
