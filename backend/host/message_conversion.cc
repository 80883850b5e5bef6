#include "backend/host/message_conversion.h"

#include <glib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace lilac {

v1::MessageFlags ToMessageFlags(PurpleMessageFlags flags) {
  v1::MessageFlags result;
  result.set_delayed(flags & PURPLE_MESSAGE_DELAYED);
  result.set_auto_response(flags & PURPLE_MESSAGE_AUTO_RESP);
  result.set_system(flags & (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NOTIFY));
  result.set_sent_by_us_elsewhere((flags & PURPLE_MESSAGE_SEND) &&
                                  (flags & PURPLE_MESSAGE_REMOTE_SEND));
  result.set_has_images(flags & PURPLE_MESSAGE_IMAGES);
  result.set_error(flags & PURPLE_MESSAGE_ERROR);
  return result;
}

namespace {

bool IsAsciiSpace(char c) { return g_ascii_isspace(static_cast<guchar>(c)); }

// `html` with each tab, newline, carriage return, vertical tab and form feed
// of its text (outside tags) written as a character reference:
// purple_markup_strip_html turns those characters into spaces but copies what
// a reference stands for as it is. Tags are found as it finds them: '<' then
// anything but whitespace, up to '>' or the next '<'; any other '<' is text.
// Whitespace between table cells (after </td>) stays raw: libpurple drops it.
std::string ProtectWhitespace(const char* html) {
  std::string out;
  bool after_cell = false;
  for (const char* p = html; *p != '\0';) {
    if (*p == '<' && p[1] != '\0' && !IsAsciiSpace(p[1])) {
      const char* end = p + 1;
      while (*end != '\0' && *end != '<' && *end != '>') ++end;
      if (*end == '>') ++end;
      after_cell = g_ascii_strncasecmp(p, "</td>", 5) == 0;
      out.append(p, end);
      p = end;
      continue;
    }
    if (*p == '<') {
      // Not a tag: as a reference, so that the whitespace after it is not
      // read as the start of one.
      out.append("&lt;");
      after_cell = false;
    } else if (*p != ' ' && IsAsciiSpace(*p) && !after_cell) {
      out.append("&#").append(std::to_string(static_cast<int>(*p))).append(";");
    } else {
      if (!IsAsciiSpace(*p)) after_cell = false;
      out.push_back(*p);
    }
    ++p;
  }
  return out;
}

}  // namespace

std::string HtmlToText(const char* html) {
  if (html == nullptr) return "";
  // Whitespace is kept as sent (a tab stays a tab, as with Spectrum's own
  // backend); <br> and block tags still become newlines.
  char* text = purple_markup_strip_html(ProtectWhitespace(html).c_str());
  std::string result = text ? text : "";
  g_free(text);
  return result;
}

std::string TextToHtml(const std::string& text) {
  char* escaped = g_markup_escape_text(text.c_str(), -1);
  char* html = purple_strdup_withhtml(escaped);
  std::string result = html ? html : "";
  g_free(html);
  g_free(escaped);
  return result;
}

std::vector<v1::InlineImage> ResolveInlineImages(const char* html) {
  std::vector<v1::InlineImage> images;
  if (html == nullptr) return images;
  const char* cursor = html;
  const char* start;
  const char* end;
  GData* attributes;
  // purple_markup_find_tag finds <img ...> tags and parses their attributes.
  while (purple_markup_find_tag("img", cursor, &start, &end, &attributes)) {
    const char* id_text =
        static_cast<const char*>(g_datalist_get_data(&attributes, "id"));
    int id = 0;
    if (id_text != nullptr && absl::SimpleAtoi(id_text, &id)) {
      if (PurpleStoredImage* image = purple_imgstore_find_by_id(id)) {
        v1::InlineImage inline_image;
        inline_image.set_id(id);
        inline_image.set_data(std::string(
            static_cast<const char*>(purple_imgstore_get_data(image)),
            purple_imgstore_get_size(image)));
        const char* filename = purple_imgstore_get_filename(image);
        if (filename != nullptr) inline_image.set_filename(filename);
        inline_image.set_mime_type(GuessMimeType(inline_image.data()));
        inline_image.set_sha1(Sha1Hex(inline_image.data()));
        images.push_back(std::move(inline_image));
      }
    }
    g_datalist_clear(&attributes);
    cursor = end + 1;
  }
  return images;
}

std::string GuessMimeType(const std::string& bytes) {
  if (absl::StartsWith(bytes, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (absl::StartsWith(bytes, "\xff\xd8\xff")) return "image/jpeg";
  if (absl::StartsWith(bytes, "GIF87a") || absl::StartsWith(bytes, "GIF89a")) {
    return "image/gif";
  }
  if (bytes.size() >= 12 && absl::StartsWith(bytes, "RIFF") &&
      bytes.compare(8, 4, "WEBP") == 0) {
    return "image/webp";
  }
  if (absl::StartsWith(bytes, "BM")) return "image/bmp";
  return "application/octet-stream";
}

std::string Sha1Hex(const std::string& bytes) {
  char* hex = g_compute_checksum_for_data(
      G_CHECKSUM_SHA1, reinterpret_cast<const guchar*>(bytes.data()),
      bytes.size());
  std::string result = hex;
  g_free(hex);
  return result;
}

void SetTimestamp(time_t when, google::protobuf::Timestamp* timestamp) {
  timestamp->set_seconds(when != 0 ? when : time(nullptr));
  timestamp->set_nanos(0);
}

}  // namespace lilac
