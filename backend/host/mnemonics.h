#ifndef LILAC_BACKEND_HOST_MNEMONICS_H_
#define LILAC_BACKEND_HOST_MNEMONICS_H_

#include <string>

namespace lilac {

// A label as GTK shows it: libpurple and plugins write labels and buttons for
// GTK with mnemonics ("_Room:", "_Yes"), where "_x" underlines x and "__" is
// one underscore. Null is empty.
std::string WithoutMnemonics(const char* label);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_MNEMONICS_H_
