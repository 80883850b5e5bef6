// Questions from the server, asked through libpurple's request API
// (purple_request_input / _action / _fields); each answer, or a cancel, goes
// back to the server as an answer_question frame. A question about a room names
// it as the request's `who`.
#include <string>

#include "testing/fake_prpl/prpl_incoming.h"

namespace lilac::testing::fake {
namespace {

// Sends the answer and forgets the question (freeing `pending`).
void Answer(PendingQuestion* pending, v1::ClientFrame frame) {
  frame.mutable_answer_question()->set_question_id(
      pending->question.question_id());
  FakeConnection* connection = pending->connection;
  connection->Send(frame);
  connection->RemoveQuestion(pending->question.question_id());
}

void OnCancel(void* data) {
  v1::ClientFrame frame;
  frame.mutable_answer_question()->set_cancelled(true);
  Answer(static_cast<PendingQuestion*>(data), std::move(frame));
}

void OnInput(void* data, const char* text) {
  v1::ClientFrame frame;
  frame.mutable_answer_question()->set_text(text ? text : "");
  Answer(static_cast<PendingQuestion*>(data), std::move(frame));
}

void OnAction(void* data, int action) {
  v1::ClientFrame frame;
  frame.mutable_answer_question()->set_action(action);
  Answer(static_cast<PendingQuestion*>(data), std::move(frame));
}

void OnFieldsCancel(void* data, PurpleRequestFields*) { OnCancel(data); }

void OnFields(void* data, PurpleRequestFields* fields) {
  auto* pending = static_cast<PendingQuestion*>(data);
  v1::ClientFrame frame;
  auto& values = *frame.mutable_answer_question()->mutable_fields();
  for (const v1::QuestionField& field : pending->question.fields().fields()) {
    const char* id = field.id().c_str();
    switch (field.type()) {
      case v1::FIELD_TYPE_BOOLEAN:
        values[field.id()] =
            purple_request_fields_get_bool(fields, id) ? "true" : "false";
        break;
      case v1::FIELD_TYPE_CHOICE: {
        const int index = purple_request_fields_get_choice(fields, id);
        values[field.id()] = index >= 0 && index < field.choices_size()
                                 ? field.choices(index)
                                 : "";
        break;
      }
      default: {
        const char* value = purple_request_fields_get_string(fields, id);
        values[field.id()] = value ? value : "";
        break;
      }
    }
  }
  Answer(pending, std::move(frame));
}

const char* OrNull(const std::string& text) {
  return text.empty() ? nullptr : text.c_str();
}

void* RequestInput(FakeConnection& connection, PendingQuestion* pending) {
  const v1::Question& question = pending->question;
  pending->type = PURPLE_REQUEST_INPUT;
  return purple_request_input(
      connection.gc(), OrNull(question.title()), OrNull(question.primary()),
      OrNull(question.secondary()), OrNull(question.input().default_value()),
      FALSE, question.input().masked(), nullptr, "OK", G_CALLBACK(OnInput),
      "Cancel", G_CALLBACK(OnCancel), connection.account(),
      OrNull(question.room()), nullptr, pending);
}

// purple_request_action takes its buttons as varargs; up to four are offered.
void* RequestAction(FakeConnection& connection, PendingQuestion* pending) {
  const v1::Question& question = pending->question;
  const auto& actions = question.action().actions();
  pending->type = PURPLE_REQUEST_ACTION;
  auto label = [&](int i) { return actions[i].c_str(); };
  auto callback = G_CALLBACK(OnAction);
  const char* title = OrNull(question.title());
  const char* primary = OrNull(question.primary());
  const char* secondary = OrNull(question.secondary());
  const int fallback = question.action().default_action();
  PurpleAccount* account = connection.account();
  const char* who = OrNull(question.room());
  switch (actions.size()) {
    case 1:
      return purple_request_action(connection.gc(), title, primary, secondary,
                                   fallback, account, who, nullptr, pending, 1,
                                   label(0), callback);
    case 2:
      return purple_request_action(connection.gc(), title, primary, secondary,
                                   fallback, account, who, nullptr, pending, 2,
                                   label(0), callback, label(1), callback);
    case 3:
      return purple_request_action(connection.gc(), title, primary, secondary,
                                   fallback, account, who, nullptr, pending, 3,
                                   label(0), callback, label(1), callback,
                                   label(2), callback);
    default:
      return purple_request_action(connection.gc(), title, primary, secondary,
                                   fallback, account, who, nullptr, pending, 4,
                                   label(0), callback, label(1), callback,
                                   label(2), callback, label(3), callback);
  }
}

void* RequestFields(FakeConnection& connection, PendingQuestion* pending) {
  const v1::Question& question = pending->question;
  pending->type = PURPLE_REQUEST_FIELDS;
  PurpleRequestFields* fields = purple_request_fields_new();
  PurpleRequestFieldGroup* group = purple_request_field_group_new(nullptr);
  purple_request_fields_add_group(fields, group);
  for (const v1::QuestionField& wire : question.fields().fields()) {
    const char* id = wire.id().c_str();
    const char* label = wire.label().c_str();
    PurpleRequestField* field;
    switch (wire.type()) {
      case v1::FIELD_TYPE_BOOLEAN:
        field = purple_request_field_bool_new(id, label,
                                              wire.default_value() == "true");
        break;
      case v1::FIELD_TYPE_CHOICE: {
        int selected = 0;
        for (int i = 0; i < wire.choices_size(); ++i) {
          if (wire.choices(i) == wire.default_value()) selected = i;
        }
        field = purple_request_field_choice_new(id, label, selected);
        for (const std::string& choice : wire.choices()) {
          purple_request_field_choice_add(field, choice.c_str());
        }
        break;
      }
      default:
        field = purple_request_field_string_new(
            id, label, OrNull(wire.default_value()), FALSE);
        purple_request_field_string_set_masked(
            field, wire.type() == v1::FIELD_TYPE_PASSWORD);
        break;
    }
    purple_request_field_set_required(field, wire.required());
    purple_request_field_group_add_field(group, field);
  }
  return purple_request_fields(
      connection.gc(), OrNull(question.title()), OrNull(question.primary()),
      OrNull(question.secondary()), fields, "OK", G_CALLBACK(OnFields),
      "Cancel", G_CALLBACK(OnFieldsCancel), connection.account(),
      OrNull(question.room()), nullptr, pending);
}

}  // namespace

void AskQuestion(FakeConnection& connection, const v1::Question& question) {
  if (question.kind_case() == v1::Question::KIND_NOT_SET ||
      (question.has_action() && question.action().actions().empty()) ||
      connection.FindQuestion(question.question_id()) != nullptr) {
    purple_debug_warning("fake", "ignoring malformed question %s\n",
                         question.question_id().c_str());
    return;
  }
  PendingQuestion* pending = connection.AddQuestion(question);
  void* handle = nullptr;
  switch (question.kind_case()) {
    case v1::Question::kInput:
      handle = RequestInput(connection, pending);
      break;
    case v1::Question::kAction:
      handle = RequestAction(connection, pending);
      break;
    default:
      handle = RequestFields(connection, pending);
      break;
  }
  // The host may answer synchronously, which frees `pending`.
  if (PendingQuestion* open = connection.FindQuestion(question.question_id())) {
    open->ui_handle = handle;
    // A host without request UI ops cannot ask: tell the server it failed.
    if (handle == nullptr) OnCancel(open);
  }
}

void CloseQuestion(FakeConnection& connection, const std::string& question_id) {
  PendingQuestion* pending = connection.FindQuestion(question_id);
  if (pending == nullptr) return;
  if (pending->ui_handle != nullptr) {
    purple_request_close(pending->type, pending->ui_handle);
  }
  connection.RemoveQuestion(question_id);
}

}  // namespace lilac::testing::fake
