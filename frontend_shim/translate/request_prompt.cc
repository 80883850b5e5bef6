#include "frontend_shim/translate/request_prompt.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace lilac::shim {
namespace {

// Fields the user can fill in (labels and images are only shown).
std::vector<const v1::RequestField*> InputFields(
    const v1::RequestOpened& request) {
  std::vector<const v1::RequestField*> fields;
  for (const v1::RequestField& field : request.fields()) {
    if (field.type() != v1::RequestField::TYPE_LABEL &&
        field.type() != v1::RequestField::TYPE_IMAGE) {
      fields.push_back(&field);
    }
  }
  return fields;
}

// The index of `reply` among `options`: a 1-based number or the text itself
// (case-insensitive).
absl::StatusOr<int> PickOption(
    const google::protobuf::RepeatedPtrField<std::string>& options,
    const std::string& reply) {
  int number = 0;
  if (absl::SimpleAtoi(reply, &number) && number >= 1 &&
      number <= options.size()) {
    return number - 1;
  }
  // lilacd gives labels as shown, without GTK's mnemonic underscores.
  for (int i = 0; i < options.size(); ++i) {
    if (absl::EqualsIgnoreCase(options[i], reply)) return i;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "Please answer with a number from 1 to ", options.size(), "."));
}

void AppendNumbered(
    const google::protobuf::RepeatedPtrField<std::string>& items,
    int default_index, std::string* text) {
  for (int i = 0; i < items.size(); ++i) {
    absl::StrAppend(text, "\n  ", i + 1, ". ", items[i],
                    i == default_index ? " (default)" : "");
  }
}

}  // namespace

std::string FormatRequest(const v1::RequestOpened& request) {
  std::string text = absl::StrCat("[Request #", request.request_id(), "]");
  for (const std::string* part :
       {&request.title(), &request.primary(), &request.secondary()}) {
    if (!part->empty()) absl::StrAppend(&text, "\n", *part);
  }
  if (!request.who().empty())
    absl::StrAppend(&text, "\n(from ", request.who(), ")");
  switch (request.kind()) {
    case v1::RequestOpened::KIND_CHOICE:
      AppendNumbered(request.choices(), request.default_choice(), &text);
      absl::StrAppend(&text, "\nReply with the number of your choice.");
      break;
    case v1::RequestOpened::KIND_ACTION:
      AppendNumbered(request.actions(), request.default_action(), &text);
      absl::StrAppend(&text, "\nReply with the number of the action.");
      break;
    case v1::RequestOpened::KIND_FIELDS: {
      for (const v1::RequestField& field : request.fields()) {
        if (field.type() == v1::RequestField::TYPE_LABEL) {
          absl::StrAppend(&text, "\n", field.label());
        } else if (field.type() == v1::RequestField::TYPE_IMAGE) {
          absl::StrAppend(&text, "\n", field.label(), " [image of ",
                          field.image().size(), " bytes]");
        } else {
          absl::StrAppend(&text, "\n  ", field.id(), ": ", field.label(),
                          field.required() ? " (required)" : "");
          if (!field.choices().empty()) {
            absl::StrAppend(&text, " [", absl::StrJoin(field.choices(), ", "),
                            "]");
          }
          if (!field.default_value().empty() && !field.masked()) {
            absl::StrAppend(&text, " default: ", field.default_value());
          }
        }
      }
      if (InputFields(request).size() <= 1) {
        absl::StrAppend(&text, "\nReply with the value.");
      } else {
        absl::StrAppend(&text, "\nReply with one 'id: value' line per field.");
      }
      break;
    }
    default:
      absl::StrAppend(&text, "\nReply with your answer.");
      break;
  }
  absl::StrAppend(&text, " Reply 'cancel' to cancel.");
  return text;
}

std::pair<uint64_t, std::string> SplitRequestId(const std::string& reply) {
  absl::string_view rest = absl::StripAsciiWhitespace(reply);
  if (!absl::ConsumePrefix(&rest, "#")) return {0, std::string(rest)};
  const size_t space = rest.find_first_of(" \n");
  uint64_t id = 0;
  if (!absl::SimpleAtoi(rest.substr(0, space), &id)) {
    return {0, std::string(absl::StripAsciiWhitespace(reply))};
  }
  rest = space == absl::string_view::npos ? "" : rest.substr(space);
  return {id, std::string(absl::StripAsciiWhitespace(rest))};
}

absl::StatusOr<std::variant<v1::AnswerRequestRequest, CancelAnswer>>
ParseRequestReply(const v1::RequestOpened& request, const std::string& reply) {
  const std::string text(absl::StripAsciiWhitespace(reply));
  if (absl::EqualsIgnoreCase(text, "cancel")) return CancelAnswer{};
  v1::AnswerRequestRequest answer;
  switch (request.kind()) {
    case v1::RequestOpened::KIND_CHOICE: {
      absl::StatusOr<int> index = PickOption(request.choices(), text);
      if (!index.ok()) return index.status();
      answer.set_index(*index);
      break;
    }
    case v1::RequestOpened::KIND_ACTION: {
      absl::StatusOr<int> index = PickOption(request.actions(), text);
      if (!index.ok()) return index.status();
      answer.set_index(*index);
      break;
    }
    case v1::RequestOpened::KIND_FIELDS: {
      std::vector<const v1::RequestField*> fields = InputFields(request);
      if (fields.size() == 1) {
        (*answer.mutable_fields())[fields[0]->id()] = text;
        break;
      }
      for (absl::string_view line : absl::StrSplit(text, '\n')) {
        const size_t colon = line.find_first_of(":=");
        if (colon == absl::string_view::npos) continue;
        const std::string id(absl::StripAsciiWhitespace(line.substr(0, colon)));
        for (const v1::RequestField* field : fields) {
          if (field->id() == id) {
            (*answer.mutable_fields())[id] =
                std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
          }
        }
      }
      for (const v1::RequestField* field : fields) {
        if (field->required() && !answer.fields().contains(field->id())) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Field '", field->id(),
              "' is required; reply with one 'id: value' line per field."));
        }
      }
      break;
    }
    default:
      answer.set_text(text);
      break;
  }
  return answer;
}

}  // namespace lilac::shim
