#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_WIRE_TEXT_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_WIRE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace lilac::shim {

// Spectrum's only timestamp format: UTC `YYYYMMDDTHHMMSS` (§7.3).
std::string SpectrumTimestamp(absl::Time time);

bool IsValidUtf8(absl::string_view text);

// The first string field anywhere in `message` that is not valid UTF-8, by
// name; empty when all are valid.
std::string FindInvalidUtf8Field(const google::protobuf::Message& message);

// `text` as an XML 1.0 stream can carry it (Spectrum puts it into stanzas,
// and one bad character makes the server drop the whole component stream):
// invalid UTF-8 and characters XML forbids (NUL and the other C0 controls but
// tab, newline and carriage return; U+FFFE, U+FFFF) become U+FFFD, so nothing
// is dropped silently.
std::string XmlSafeText(absl::string_view text);
// XmlSafeText on every string field of `message`, recursively. Returns
// whether anything changed.
bool MakeXmlSafe(google::protobuf::Message* message);

// `html` as XHTML-IM body markup Spectrum can insert raw (§6.6): libpurple's
// void tags closed (<br> → <br/>), or empty when it is not well-formed or
// carries no markup beyond the plain text.
std::string HtmlToXhtml(absl::string_view html, absl::string_view plain_text);

// The SHA-1 of `data` in lower-case hex.
std::string Sha1Hex(absl::string_view data);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_WIRE_TEXT_H_
