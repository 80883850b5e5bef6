#include "backend/host/request_tracker.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backend/host/c_string.h"
#include "backend/host/chat_list.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/mnemonics.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/settings.h"

namespace lilac {

struct RequestTracker::Pending {
  uint64_t id = 0;
  LoopSession* session = nullptr;  // null: nobody can answer it
  PurpleRequestType type = PURPLE_REQUEST_INPUT;
  v1::RequestOpened::Kind kind = v1::RequestOpened::KIND_UNSPECIFIED;
  GCallback ok_cb = nullptr;
  GCallback cancel_cb = nullptr;
  void* user_data = nullptr;
  std::vector<int> choice_values;              // KIND_CHOICE, by index
  std::vector<PurpleRequestActionCb> actions;  // KIND_ACTION, by index
  PurpleRequestFields* fields = nullptr;       // KIND_FIELDS; ours to destroy
  v1::RequestClosed::Reason closing_reason =
      v1::RequestClosed::REASON_CLOSED_BY_PLUGIN;
  // KIND_ACTION asked while lilac joins rooms of this account: the room it
  // names, or (it names no conversation and nobody) the rooms being joined
  // then. Such a question is held back and, if it is about that join,
  // answered with its default action.
  std::string join_room;
  std::vector<std::string> joins_then;
  int default_action = 0;
  v1::RequestOpened held;
  // Never shown to the client: closes without a RequestClosed.
  bool silent = false;
  // A chat list's question for a server (see TakeChatListQuestion): the
  // answer lilac gives, or empty to cancel it.
  std::optional<std::string> chat_list_answer;
};

namespace {

RequestTracker* Tracker() {
  const OnLoop& loop = OnLoop::InCallback();
  PurpleSessions* sessions = PurpleSessions::Get(loop);
  return sessions ? &sessions->requests(loop) : nullptr;
}

LoopSession* SessionFor(PurpleAccount* account, PurpleConversation* conv) {
  if (account == nullptr && conv != nullptr) {
    account = purple_conversation_get_account(conv);
  }
  return PurpleSessions::SessionOf(account);
}

v1::RequestOpened Describe(const char* title, const char* primary,
                           const char* secondary, const char* who) {
  v1::RequestOpened event;
  event.set_title(OrEmpty(title));
  event.set_primary(OrEmpty(primary));
  event.set_secondary(OrEmpty(secondary));
  event.set_who(OrEmpty(who));
  return event;
}

void DescribeField(PurpleRequestField* field, const char* group,
                   v1::RequestField* out) {
  out->set_id(OrEmpty(purple_request_field_get_id(field)));
  out->set_label(WithoutMnemonics(purple_request_field_get_label(field)));
  out->set_required(purple_request_field_is_required(field));
  out->set_group(OrEmpty(group));
  switch (purple_request_field_get_type(field)) {
    case PURPLE_REQUEST_FIELD_STRING:
      out->set_type(v1::RequestField::TYPE_STRING);
      out->set_default_value(
          OrEmpty(purple_request_field_string_get_default_value(field)));
      out->set_masked(purple_request_field_string_is_masked(field));
      out->set_multiline(purple_request_field_string_is_multiline(field));
      break;
    case PURPLE_REQUEST_FIELD_INTEGER:
      out->set_type(v1::RequestField::TYPE_INTEGER);
      out->set_default_value(
          absl::StrCat(purple_request_field_int_get_default_value(field)));
      break;
    case PURPLE_REQUEST_FIELD_BOOLEAN:
      out->set_type(v1::RequestField::TYPE_BOOLEAN);
      out->set_default_value(purple_request_field_bool_get_default_value(field)
                                 ? "true"
                                 : "false");
      break;
    case PURPLE_REQUEST_FIELD_CHOICE:
      out->set_type(v1::RequestField::TYPE_CHOICE);
      out->set_default_value(
          absl::StrCat(purple_request_field_choice_get_default_value(field)));
      // Answered by index, so shown as GTK shows them.
      for (GList* item = purple_request_field_choice_get_labels(field); item;
           item = item->next) {
        out->add_choices(
            WithoutMnemonics(static_cast<const char*>(item->data)));
      }
      break;
    case PURPLE_REQUEST_FIELD_LIST:
      out->set_type(v1::RequestField::TYPE_LIST);
      out->set_multiple(purple_request_field_list_get_multi_select(field));
      for (GList* item = purple_request_field_list_get_items(field); item;
           item = item->next) {
        out->add_choices(static_cast<const char*>(item->data));
      }
      break;
    case PURPLE_REQUEST_FIELD_LABEL:
      out->set_type(v1::RequestField::TYPE_LABEL);
      break;
    case PURPLE_REQUEST_FIELD_IMAGE:
      out->set_type(v1::RequestField::TYPE_IMAGE);
      out->set_image(std::string(purple_request_field_image_get_buffer(field),
                                 purple_request_field_image_get_size(field)));
      break;
    default:
      out->set_type(v1::RequestField::TYPE_OTHER);
      break;
  }
}

absl::Status FillField(PurpleRequestField* field, const std::string& value) {
  const std::string id = OrEmpty(purple_request_field_get_id(field));
  switch (purple_request_field_get_type(field)) {
    case PURPLE_REQUEST_FIELD_STRING:
      purple_request_field_string_set_value(field, value.c_str());
      return absl::OkStatus();
    case PURPLE_REQUEST_FIELD_INTEGER: {
      int number;
      if (!absl::SimpleAtoi(value, &number)) {
        return absl::InvalidArgumentError(
            absl::StrCat("field \"", id, "\" takes an integer"));
      }
      purple_request_field_int_set_value(field, number);
      return absl::OkStatus();
    }
    case PURPLE_REQUEST_FIELD_BOOLEAN: {
      bool flag;
      if (!ParseBool(value, &flag)) {
        return absl::InvalidArgumentError(
            absl::StrCat("field \"", id, "\" takes true or false"));
      }
      purple_request_field_bool_set_value(field, flag);
      return absl::OkStatus();
    }
    case PURPLE_REQUEST_FIELD_CHOICE: {
      int index;
      const int count =
          g_list_length(purple_request_field_choice_get_labels(field));
      if (!absl::SimpleAtoi(value, &index) || index < 0 || index >= count) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field \"", id, "\" takes a choice index from 0 to ", count - 1));
      }
      purple_request_field_choice_set_value(field, index);
      return absl::OkStatus();
    }
    case PURPLE_REQUEST_FIELD_LIST:
      purple_request_field_list_clear_selected(field);
      for (absl::string_view item : absl::StrSplit(value, '\n')) {
        const std::string label(item);
        if (label.empty()) continue;
        if (purple_request_field_list_get_data(field, label.c_str()) ==
                nullptr &&
            g_list_find_custom(purple_request_field_list_get_items(field),
                               label.c_str(),
                               (GCompareFunc)g_strcmp0) == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat("field \"", id, "\" has no item \"", label, "\""));
        }
        purple_request_field_list_add_selected(field, label.c_str());
      }
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", id, "\" cannot be answered"));
  }
}

}  // namespace

std::unique_ptr<RequestTracker::Pending> NewPending(
    PurpleRequestType type, v1::RequestOpened::Kind kind,
    PurpleAccount* account, PurpleConversation* conv, GCallback ok_cb,
    GCallback cancel_cb, void* user_data) {
  auto pending = std::make_unique<RequestTracker::Pending>();
  pending->session = SessionFor(account, conv);
  pending->type = type;
  pending->kind = kind;
  pending->ok_cb = ok_cb;
  pending->cancel_cb = cancel_cb;
  pending->user_data = user_data;
  return pending;
}

// Calls the plugin's cancel callback with the signature its request type uses.
void CallCancel(const RequestTracker::Pending& pending) {
  if (pending.cancel_cb == nullptr) return;
  switch (pending.type) {
    case PURPLE_REQUEST_FIELDS:
      reinterpret_cast<PurpleRequestFieldsCb>(pending.cancel_cb)(
          pending.user_data, pending.fields);
      break;
    case PURPLE_REQUEST_CHOICE:
      reinterpret_cast<PurpleRequestChoiceCb>(pending.cancel_cb)(
          pending.user_data, 0);
      break;
    case PURPLE_REQUEST_ACTION:
      break;  // actions have no cancel callback
    default:  // input, file, folder: (user_data, const char*)
      reinterpret_cast<PurpleRequestInputCb>(pending.cancel_cb)(
          pending.user_data, nullptr);
      break;
  }
}

// The C entry points libpurple calls; they forward to the tracker.
struct RequestUiOpsAccess {
  static RequestTracker::Pending* Open(
      std::unique_ptr<RequestTracker::Pending> pending,
      v1::RequestOpened event) {
    RequestTracker* tracker = Tracker();
    if (tracker == nullptr) return nullptr;
    return tracker->Open(std::move(pending), std::move(event));
  }

  static void* RequestInput(const char* title, const char* primary,
                            const char* secondary, const char* default_value,
                            gboolean multiline, gboolean masked, gchar*,
                            const char* ok_text, GCallback ok_cb,
                            const char* cancel_text, GCallback cancel_cb,
                            PurpleAccount* account, const char* who,
                            PurpleConversation* conv, void* user_data) {
    auto pending =
        NewPending(PURPLE_REQUEST_INPUT, v1::RequestOpened::KIND_INPUT, account,
                   conv, ok_cb, cancel_cb, user_data);
    v1::RequestOpened event = Describe(title, primary, secondary, who);
    v1::RequestField* field = event.add_fields();
    field->set_id("text");
    field->set_type(v1::RequestField::TYPE_STRING);
    field->set_default_value(OrEmpty(default_value));
    field->set_masked(masked);
    field->set_multiline(multiline);
    field->set_required(true);
    event.add_actions(ok_text ? WithoutMnemonics(ok_text) : "OK");
    event.add_actions(cancel_text ? WithoutMnemonics(cancel_text) : "Cancel");
    std::string server;
    if (TakeChatListQuestion(account, title, default_value, &server)) {
      pending->chat_list_answer = std::move(server);
    }
    return Open(std::move(pending), std::move(event));
  }

  static void* RequestChoice(const char* title, const char* primary,
                             const char* secondary, int default_value,
                             const char* ok_text, GCallback ok_cb,
                             const char* cancel_text, GCallback cancel_cb,
                             PurpleAccount* account, const char* who,
                             PurpleConversation* conv, void* user_data,
                             va_list choices) {
    auto pending =
        NewPending(PURPLE_REQUEST_CHOICE, v1::RequestOpened::KIND_CHOICE,
                   account, conv, ok_cb, cancel_cb, user_data);
    v1::RequestOpened event = Describe(title, primary, secondary, who);
    while (const char* label = va_arg(choices, const char*)) {
      const int value = va_arg(choices, int);
      if (value == default_value) {
        event.set_default_choice(event.choices_size());
      }
      event.add_choices(WithoutMnemonics(label));
      pending->choice_values.push_back(value);
    }
    event.add_actions(ok_text ? WithoutMnemonics(ok_text) : "OK");
    event.add_actions(cancel_text ? WithoutMnemonics(cancel_text) : "Cancel");
    return Open(std::move(pending), std::move(event));
  }

  static void* RequestAction(const char* title, const char* primary,
                             const char* secondary, int default_action,
                             PurpleAccount* account, const char* who,
                             PurpleConversation* conv, void* user_data,
                             size_t action_count, va_list actions) {
    auto pending =
        NewPending(PURPLE_REQUEST_ACTION, v1::RequestOpened::KIND_ACTION,
                   account, conv, nullptr, nullptr, user_data);
    v1::RequestOpened event = Describe(title, primary, secondary, who);
    for (size_t i = 0; i < action_count; ++i) {
      const char* label = va_arg(actions, const char*);
      auto callback = va_arg(actions, PurpleRequestActionCb);
      event.add_actions(WithoutMnemonics(label));
      pending->actions.push_back(callback);
    }
    event.set_default_action(default_action);
    pending->default_action = default_action;
    if (LoopSession* session = pending->session) {
      // prpl-jabber asks whether to configure a room it has just created,
      // before the room's conversation exists, so with no conversation and
      // nobody named.
      if (conv != nullptr) {
        pending->join_room = RoomBeingJoined(
            session, OrEmpty(purple_conversation_get_name(conv)));
      } else if (who != nullptr) {
        pending->join_room = RoomBeingJoined(session, who);
      } else {
        pending->joins_then = RoomsBeingJoined(session);
      }
    }
    return Open(std::move(pending), std::move(event));
  }

  static void* RequestActionWithIcon(const char* title, const char* primary,
                                     const char* secondary, int default_action,
                                     PurpleAccount* account, const char* who,
                                     PurpleConversation* conv,
                                     gconstpointer icon_data, gsize icon_size,
                                     void* user_data, size_t action_count,
                                     va_list actions) {
    auto* pending = static_cast<RequestTracker::Pending*>(
        RequestAction(title, primary, secondary, default_action, account, who,
                      conv, user_data, action_count, actions));
    // The icon only decorates the question; RequestAction already sent the
    // event.
    (void)icon_data;
    (void)icon_size;
    return pending;
  }

  static void* RequestFields(const char* title, const char* primary,
                             const char* secondary, PurpleRequestFields* fields,
                             const char* ok_text, GCallback ok_cb,
                             const char* cancel_text, GCallback cancel_cb,
                             PurpleAccount* account, const char* who,
                             PurpleConversation* conv, void* user_data) {
    auto pending =
        NewPending(PURPLE_REQUEST_FIELDS, v1::RequestOpened::KIND_FIELDS,
                   account, conv, ok_cb, cancel_cb, user_data);
    pending->fields = fields;
    v1::RequestOpened event = Describe(title, primary, secondary, who);
    for (GList* group = purple_request_fields_get_groups(fields); group;
         group = group->next) {
      auto* field_group = static_cast<PurpleRequestFieldGroup*>(group->data);
      const char* group_title =
          purple_request_field_group_get_title(field_group);
      for (GList* item = purple_request_field_group_get_fields(field_group);
           item; item = item->next) {
        DescribeField(static_cast<PurpleRequestField*>(item->data), group_title,
                      event.add_fields());
      }
    }
    event.add_actions(ok_text ? WithoutMnemonics(ok_text) : "OK");
    event.add_actions(cancel_text ? WithoutMnemonics(cancel_text) : "Cancel");
    return Open(std::move(pending), std::move(event));
  }

  // A server has no files or folders to pick: such requests are cancelled at
  // once.
  static void* RequestFile(const char*, const char*, gboolean, GCallback,
                           GCallback cancel_cb, PurpleAccount*, const char*,
                           PurpleConversation*, void* user_data) {
    return CancelSoon(PURPLE_REQUEST_FILE, cancel_cb, user_data);
  }

  static void* RequestFolder(const char*, const char*, GCallback,
                             GCallback cancel_cb, PurpleAccount*, const char*,
                             PurpleConversation*, void* user_data) {
    return CancelSoon(PURPLE_REQUEST_FOLDER, cancel_cb, user_data);
  }

  static void* CancelSoon(PurpleRequestType type, GCallback cancel_cb,
                          void* user_data) {
    auto pending = std::make_unique<RequestTracker::Pending>();
    pending->type = type;
    pending->cancel_cb = cancel_cb;
    pending->user_data = user_data;
    return Open(std::move(pending), v1::RequestOpened());
  }

  static void CloseRequest(PurpleRequestType, void* ui_handle) {
    if (RequestTracker* tracker = Tracker()) {
      tracker->OnClosedByLibpurple(ui_handle);
    }
  }
};

RequestTracker::RequestTracker() = default;

RequestTracker::~RequestTracker() {
  for (auto& [id, pending] : open_) {
    if (pending->fields) purple_request_fields_destroy(pending->fields);
  }
}

PurpleRequestUiOps* RequestTracker::UiOps() {
  static PurpleRequestUiOps ops = {
      RequestUiOpsAccess::RequestInput,
      RequestUiOpsAccess::RequestChoice,
      RequestUiOpsAccess::RequestAction,
      RequestUiOpsAccess::RequestFields,
      RequestUiOpsAccess::RequestFile,
      RequestUiOpsAccess::CloseRequest,
      RequestUiOpsAccess::RequestFolder,
      RequestUiOpsAccess::RequestActionWithIcon,
      nullptr,
      nullptr,
      nullptr,
  };
  return &ops;
}

RequestTracker::Pending* RequestTracker::Open(std::unique_ptr<Pending> pending,
                                              v1::RequestOpened event) {
  pending->id = next_id_++;
  Pending* raw = pending.get();
  open_[raw->id] = std::move(pending);
  if (raw->session == nullptr) {
    // No session can answer (the plugin gave no account, or a file dialog):
    // cancel it once libpurple has the handle.
    const uint64_t id = raw->id;
    g_idle_add(
        [](gpointer data) -> gboolean {
          RequestTracker* tracker = Tracker();
          const uint64_t id = GPOINTER_TO_SIZE(data);
          if (tracker == nullptr) return G_SOURCE_REMOVE;
          auto it = tracker->open_.find(id);
          if (it == tracker->open_.end()) return G_SOURCE_REMOVE;
          CallCancel(*it->second);
          // The callback may have closed the request itself.
          it = tracker->open_.find(id);
          if (it != tracker->open_.end()) {
            tracker->Close(it->second.get(),
                           v1::RequestClosed::REASON_CANCELLED);
          }
          return G_SOURCE_REMOVE;
        },
        GSIZE_TO_POINTER(id));
    return raw;
  }
  v1::Event wrapper;
  if (raw->session->opening_invitation.has_value() &&
      raw->kind == v1::RequestOpened::KIND_ACTION) {
    // The accept/cancel question of a chat invitation: answered as an
    // invitation.
    v1::ChatInvitation* invitation = wrapper.mutable_chat_invitation();
    *invitation = *raw->session->opening_invitation;
    invitation->set_invitation_id(raw->id);
    raw->session->opening_invitation.reset();
    raw->session->invitation_requests.insert(raw->id);
    PurpleSessions::Get(OnLoop::InCallback())
        ->Emit(raw->session, std::move(wrapper));
    return raw;
  }
  event.set_request_id(raw->id);
  event.set_kind(raw->kind);
  if (raw->chat_list_answer.has_value()) {
    // Answered once the plugin has the handle, as join questions are.
    raw->silent = true;
    raw->held = std::move(event);
    g_idle_add(
        [](gpointer data) -> gboolean {
          if (RequestTracker* tracker = Tracker()) {
            tracker->AnswerChatListQuestion(GPOINTER_TO_SIZE(data));
          }
          return G_SOURCE_REMOVE;
        },
        GSIZE_TO_POINTER(raw->id));
    return raw;
  }
  if (!raw->join_room.empty() || !raw->joins_then.empty()) {
    // Decided once the plugin has the handle: answering inside its
    // purple_request_action call is unsafe (prpl-jabber stores the handle it
    // returns after the call, and closes it later).
    raw->silent = true;
    raw->held = std::move(event);
    g_idle_add(
        [](gpointer data) -> gboolean {
          if (RequestTracker* tracker = Tracker()) {
            tracker->DecideJoinQuestion(GPOINTER_TO_SIZE(data));
          }
          return G_SOURCE_REMOVE;
        },
        GSIZE_TO_POINTER(raw->id));
    return raw;
  }
  *wrapper.mutable_request_opened() = std::move(event);
  PurpleSessions::Get(OnLoop::InCallback())
      ->Emit(raw->session, std::move(wrapper));
  return raw;
}

void RequestTracker::DecideJoinQuestion(uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  Pending* pending = it->second.get();
  // A question naming no room is about the join if one of the rooms being
  // joined opened in the same dispatch (prpl-jabber opens the room right after
  // asking).
  const bool about_join = !pending->join_room.empty() ||
                          AnyRoomOpened(pending->session, pending->joins_then);
  const int index = pending->default_action;
  if (about_join && index >= 0 &&
      index < static_cast<int>(pending->actions.size())) {
    purple_debug_info("lilac",
                      "\"%s\" is about a room being joined: answered with "
                      "its default action %d\n",
                      pending->held.title().c_str(), index);
    if (PurpleRequestActionCb action = pending->actions[index]) {
      action(pending->user_data, index);
    }
    // The callback may have closed the request itself.
    it = open_.find(id);
    if (it != open_.end()) {
      Close(it->second.get(), v1::RequestClosed::REASON_ANSWERED);
    }
    return;
  }
  // A question for the person after all.
  pending->silent = false;
  v1::Event event;
  *event.mutable_request_opened() = std::move(pending->held);
  PurpleSessions::Get(OnLoop::InCallback())
      ->Emit(pending->session, std::move(event));
}

void RequestTracker::AnswerChatListQuestion(uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  Pending* pending = it->second.get();
  const std::string& server = *pending->chat_list_answer;
  purple_debug_info(
      "lilac", "\"%s\" is a chat list's server question: %s\n",
      pending->held.title().c_str(),
      server.empty() ? "cancelled, there is none to give" : server.c_str());
  if (server.empty()) {
    CallCancel(*pending);
  } else if (pending->ok_cb != nullptr) {
    reinterpret_cast<PurpleRequestInputCb>(pending->ok_cb)(pending->user_data,
                                                           server.c_str());
  }
  // The callback may have closed the request itself.
  it = open_.find(id);
  if (it != open_.end()) {
    Close(it->second.get(), server.empty()
                                ? v1::RequestClosed::REASON_CANCELLED
                                : v1::RequestClosed::REASON_ANSWERED);
  }
}

void RequestTracker::OnClosedByLibpurple(void* ui_handle) {
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if (it->second.get() != ui_handle) continue;
    std::unique_ptr<Pending> pending = std::move(it->second);
    open_.erase(it);
    if (pending->session != nullptr &&
        pending->session->invitation_requests.erase(pending->id) > 0) {
      // Invitations are not requests to the client: nothing to report.
    } else if (pending->session != nullptr && !pending->silent) {
      v1::Event event;
      event.mutable_request_closed()->set_request_id(pending->id);
      event.mutable_request_closed()->set_reason(pending->closing_reason);
      PurpleSessions::Get(OnLoop::InCallback())
          ->Emit(pending->session, std::move(event));
    }
    if (pending->fields) purple_request_fields_destroy(pending->fields);
    return;
  }
}

void RequestTracker::Close(Pending* pending, v1::RequestClosed::Reason reason) {
  const uint64_t id = pending->id;
  pending->closing_reason = reason;
  // libpurple calls our close_request op, which forgets the request.
  purple_request_close(pending->type, pending);
  // A handle libpurple no longer knew is forgotten here.
  auto it = open_.find(id);
  if (it != open_.end() && it->second.get() == pending) {
    OnClosedByLibpurple(pending);
  }
}

bool RequestTracker::HasOpen(const LoopSession* session) const {
  for (const auto& [id, pending] : open_) {
    if (pending->session == session && !pending->silent) return true;
  }
  return false;
}

absl::StatusOr<RequestTracker::Pending*> RequestTracker::FindOpen(
    LoopSession* session, uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end() || it->second->session != session ||
      it->second->silent) {
    return absl::NotFoundError(
        absl::StrCat("no open request ", id, " in session ", session->key,
                     " (it may have been answered, cancelled or closed)"));
  }
  return it->second.get();
}

absl::Status RequestTracker::Answer(LoopSession* session,
                                    const v1::AnswerRequestRequest& answer) {
  absl::StatusOr<Pending*> found = FindOpen(session, answer.request_id());
  if (!found.ok()) return found.status();
  Pending* pending = *found;
  const uint64_t id = pending->id;
  switch (pending->kind) {
    case v1::RequestOpened::KIND_INPUT:
      if (pending->ok_cb) {
        reinterpret_cast<PurpleRequestInputCb>(pending->ok_cb)(
            pending->user_data, answer.text().c_str());
      }
      break;
    case v1::RequestOpened::KIND_CHOICE:
      if (answer.index() < 0 ||
          answer.index() >= static_cast<int>(pending->choice_values.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat("index must be a choice from 0 to ",
                         pending->choice_values.size() - 1));
      }
      if (pending->ok_cb) {
        reinterpret_cast<PurpleRequestChoiceCb>(pending->ok_cb)(
            pending->user_data, pending->choice_values[answer.index()]);
      }
      break;
    case v1::RequestOpened::KIND_ACTION:
      if (answer.index() < 0 ||
          answer.index() >= static_cast<int>(pending->actions.size())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "index must be an action from 0 to ", pending->actions.size() - 1));
      }
      if (PurpleRequestActionCb action = pending->actions[answer.index()]) {
        action(pending->user_data, answer.index());
      }
      break;
    case v1::RequestOpened::KIND_FIELDS: {
      for (const auto& [field_id, value] : answer.fields()) {
        PurpleRequestField* field =
            purple_request_fields_get_field(pending->fields, field_id.c_str());
        if (field == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat("request ", id, " has no field \"", field_id, "\""));
        }
        if (absl::Status filled = FillField(field, value); !filled.ok()) {
          return filled;
        }
      }
      if (!purple_request_fields_all_required_filled(pending->fields)) {
        std::vector<std::string> missing;
        for (GList* item = purple_request_fields_get_required(pending->fields);
             item; item = item->next) {
          auto* field = static_cast<PurpleRequestField*>(item->data);
          if (purple_request_field_get_type(field) ==
                  PURPLE_REQUEST_FIELD_STRING &&
              OrEmpty(purple_request_field_string_get_value(field)).empty()) {
            missing.push_back(OrEmpty(purple_request_field_get_id(field)));
          }
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "required fields missing: ", absl::StrJoin(missing, ", ")));
      }
      if (pending->ok_cb) {
        reinterpret_cast<PurpleRequestFieldsCb>(pending->ok_cb)(
            pending->user_data, pending->fields);
      }
      break;
    }
    default:
      return absl::InternalError("request of unknown kind");
  }
  // The callback may have closed the request itself.
  auto it = open_.find(id);
  if (it != open_.end())
    Close(it->second.get(), v1::RequestClosed::REASON_ANSWERED);
  return absl::OkStatus();
}

absl::Status RequestTracker::Cancel(LoopSession* session, uint64_t request_id) {
  absl::StatusOr<Pending*> found = FindOpen(session, request_id);
  if (!found.ok()) return found.status();
  CallCancel(**found);
  // The callback may have closed the request itself.
  auto it = open_.find(request_id);
  if (it != open_.end()) {
    Close(it->second.get(), v1::RequestClosed::REASON_CANCELLED);
  }
  return absl::OkStatus();
}

void RequestTracker::CloseAllOf(LoopSession* session,
                                v1::RequestClosed::Reason reason) {
  std::vector<uint64_t> ids;
  for (const auto& [id, pending] : open_) {
    if (pending->session == session) ids.push_back(id);
  }
  // No callbacks: the plugin's connection is going away, and calling into it
  // now is the use-after-free other hosts suffer from.
  for (uint64_t id : ids) {
    auto it = open_.find(id);
    if (it != open_.end()) Close(it->second.get(), reason);
  }
}

}  // namespace lilac
