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
  // Escaping leaves no markup of its own: stripping it gives the text back,
  // whitespace and all. Carriage returns are the exception: TextToHtml drops
  // them (libpurple's CR LF to <br>).
  const bool no_cr =
      std::none_of(text.begin(), text.end(), [](char c) { return c == '\r'; });
  if (no_cr && g_utf8_validate(text.data(), text.size(), nullptr) &&
      lilac::HtmlToText(html.c_str()) != text) {
    std::abort();
  }
  if (lilac::GuessMimeType(bytes).empty()) std::abort();
  return 0;
}
