#include "frontend_shim/translate/wire_text.h"

#include <glib.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace lilac::shim {

std::string SpectrumTimestamp(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%S", time, absl::UTCTimeZone());
}

bool IsValidUtf8(absl::string_view text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()),
                         nullptr);
}

std::string FindInvalidUtf8Field(const google::protobuf::Message& message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          if (!IsValidUtf8(reflection->GetRepeatedString(message, field, i))) {
            return field->name();
          }
        }
      } else if (!IsValidUtf8(reflection->GetString(message, field))) {
        return field->name();
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          std::string bad = FindInvalidUtf8Field(
              reflection->GetRepeatedMessage(message, field, i));
          if (!bad.empty()) return field->name() + "." + bad;
        }
      } else {
        std::string bad =
            FindInvalidUtf8Field(reflection->GetMessage(message, field));
        if (!bad.empty()) return field->name() + "." + bad;
      }
    }
  }
  return "";
}

namespace {

bool IsVoidTag(absl::string_view name) {
  return name == "br" || name == "img" || name == "hr";
}

}  // namespace

std::string HtmlToXhtml(absl::string_view html, absl::string_view plain_text) {
  if (html.empty() || html == plain_text ||
      html.find('<') == absl::string_view::npos) {
    return "";
  }
  std::string out;
  std::vector<std::string> open;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      out.push_back(html[i++]);
      continue;
    }
    const size_t end = html.find('>', i);
    if (end == absl::string_view::npos) return "";
    absl::string_view tag = html.substr(i + 1, end - i - 1);
    i = end + 1;
    const bool closing = absl::StartsWith(tag, "/");
    const bool self_closing = absl::EndsWith(tag, "/");
    absl::string_view inner = tag;
    if (closing) inner.remove_prefix(1);
    if (self_closing) inner.remove_suffix(1);
    size_t name_end = 0;
    while (name_end < inner.size() && (absl::ascii_isalnum(inner[name_end]))) {
      ++name_end;
    }
    if (name_end == 0) return "";
    const std::string name = absl::AsciiStrToLower(inner.substr(0, name_end));
    if (closing) {
      if (IsVoidTag(name)) continue;
      if (open.empty() || open.back() != name) return "";
      open.pop_back();
      out.append("</").append(name).append(">");
    } else if (self_closing || IsVoidTag(name)) {
      out.append("<")
          .append(name)
          .append(std::string(inner.substr(name_end)))
          .append("/>");
    } else {
      open.push_back(name);
      out.append("<")
          .append(name)
          .append(std::string(inner.substr(name_end)))
          .append(">");
    }
  }
  if (!open.empty()) return "";
  return out;
}

std::string Sha1Hex(absl::string_view data) {
  gchar* hex = g_compute_checksum_for_data(
      G_CHECKSUM_SHA1, reinterpret_cast<const guchar*>(data.data()),
      data.size());
  std::string result(hex);
  g_free(hex);
  return result;
}

}  // namespace lilac::shim
