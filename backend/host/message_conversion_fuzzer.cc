// Fuzzes the markup conversions: libpurple's HTML stripping, text escaping and
// the image signature sniffing. None of them needs libpurple's core running.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "backend/host/message_conversion.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // libpurple takes C strings: everything up to the first NUL.
  const std::string text(bytes.c_str());

  lilac::HtmlToText(text.c_str());
  const std::string html = lilac::TextToHtml(text);
  // Escaping leaves no markup of its own: stripping it gives printable text
  // back (libpurple rewrites control characters such as tabs and newlines).
  const bool printable = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20;
  });
  if (printable && g_utf8_validate(text.data(), text.size(), nullptr) &&
      lilac::HtmlToText(html.c_str()) != text) {
    std::abort();
  }
  if (lilac::GuessMimeType(bytes).empty()) std::abort();
  return 0;
}
