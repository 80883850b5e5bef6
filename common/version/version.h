#ifndef LILAC_COMMON_VERSION_VERSION_H_
#define LILAC_COMMON_VERSION_VERSION_H_

namespace lilac {

// lilac's version: the one place it is set. `lilacd --version` prints it.
inline constexpr char kVersion[] = "0.9.0";

}  // namespace lilac

#endif  // LILAC_COMMON_VERSION_VERSION_H_
