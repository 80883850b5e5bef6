#ifndef LILAC_BACKEND_HOST_C_STRING_H_
#define LILAC_BACKEND_HOST_C_STRING_H_

#include <string>

namespace lilac {

// libpurple returns NULL for absent text; the API has empty strings.
inline std::string OrEmpty(const char* text) { return text ? text : ""; }

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_C_STRING_H_
