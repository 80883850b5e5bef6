#ifndef LILAC_BACKEND_HOST_MESSAGE_CONVERSION_H_
#define LILAC_BACKEND_HOST_MESSAGE_CONVERSION_H_

#include <ctime>
#include <string>
#include <vector>

#include "protos/lilac/v1/messages.pb.h"
#include "purple.h"

namespace lilac {

// True for libpurple's echo of a message we sent through lilac: a SEND write
// that is neither backlog (DELAYED) nor sent from another client (REMOTE_SEND).
// Such writes are not events.
bool IsEchoOfOurSend(PurpleMessageFlags flags);

v1::MessageFlags ToMessageFlags(PurpleMessageFlags flags);

// libpurple's HTML markup as plain text (tags removed, entities decoded).
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
