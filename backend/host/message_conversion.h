#ifndef LILAC_BACKEND_HOST_MESSAGE_CONVERSION_H_
#define LILAC_BACKEND_HOST_MESSAGE_CONVERSION_H_

#include <ctime>
#include <string>
#include <vector>

#include "lilac/v1/messages.pb.h"
#include "purple.h"

namespace lilac {

v1::MessageFlags ToMessageFlags(PurpleMessageFlags flags);

// libpurple's HTML markup as plain text (tags removed, entities decoded, <br>
// and block tags as newlines). Whitespace in the text (tabs, runs of spaces,
// newlines) is kept exactly.
std::string HtmlToText(const char* html);

// Plain text as libpurple HTML (escaped, newlines as <br>).
std::string TextToHtml(const std::string& text);

// The images an HTML message refers to with <img id="N">, from libpurple's
// image store. Ids that are not in the store are skipped. Call on the loop
// thread.
std::vector<v1::InlineImage> ResolveInlineImages(const char* html);

// MIME type of image bytes by their signature; "application/octet-stream" if
// unknown.
std::string GuessMimeType(const std::string& bytes);

// SHA-1 of `bytes` as lower-case hex.
std::string Sha1Hex(const std::string& bytes);

// Seconds since the epoch as a Timestamp (the current time if `when` is 0).
void SetTimestamp(time_t when, google::protobuf::Timestamp* timestamp);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_MESSAGE_CONVERSION_H_
