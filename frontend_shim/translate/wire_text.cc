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

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

bool XmlAllows(gunichar c) {
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
  return c != 0xFFFE && c != 0xFFFF;
}

bool NeedsXmlCleaning(absl::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      return true;  // control character, or non-ASCII to validate
    }
  }
  return false;
}

}  // namespace

std::string XmlSafeText(absl::string_view text) {
  if (!NeedsXmlCleaning(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char* at = text.data() + i;
    const gunichar c =
        g_utf8_get_char_validated(at, static_cast<gssize>(text.size() - i));
    if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2)) {
      out.append(kReplacement);  // an invalid or cut sequence: one byte
      ++i;
      continue;
    }
    const size_t length = g_utf8_next_char(at) - at;
    if (XmlAllows(c) && c != 0) {
      out.append(at, length);
    } else {
      out.append(kReplacement);
    }
    i += c == 0 ? 1 : length;
  }
  return out;
}

bool MakeXmlSafe(google::protobuf::Message* message) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  bool changed = false;
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const int count =
          field->is_repeated() ? reflection->FieldSize(*message, field) : 1;
      for (int i = 0; i < count; ++i) {
        const std::string value =
            field->is_repeated()
                ? reflection->GetRepeatedString(*message, field, i)
                : reflection->GetString(*message, field);
        if (!NeedsXmlCleaning(value)) continue;
        std::string safe = XmlSafeText(value);
        if (safe == value) continue;
        changed = true;
        if (field->is_repeated()) {
          reflection->SetRepeatedString(message, field, i, std::move(safe));
        } else {
          reflection->SetString(message, field, std::move(safe));
        }
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          changed |= MakeXmlSafe(
              reflection->MutableRepeatedMessage(message, field, i));
        }
      } else {
        changed |= MakeXmlSafe(reflection->MutableMessage(message, field));
      }
    }
  }
  return changed;
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
    absl::string_view inner = tag;
    if (closing) inner.remove_prefix(1);
    // "</>" is both; the slash counts once.
    const bool self_closing = absl::EndsWith(inner, "/");
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
