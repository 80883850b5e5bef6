#include "backend/host/mnemonics.h"

namespace lilac {

std::string WithoutMnemonics(const char* label) {
  std::string shown;
  if (label == nullptr) return shown;
  for (const char* c = label; *c != '\0'; ++c) {
    if (*c == '_') {
      if (c[1] == '_') {
        shown.push_back('_');
        ++c;
      }
      continue;  // a mnemonic marker, or a trailing underscore
    }
    shown.push_back(*c);
  }
  return shown;
}

}  // namespace lilac
