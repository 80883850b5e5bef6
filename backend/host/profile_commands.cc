// PurpleSessions: user info, our own profile and requests.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "backend/host/buddy_description.h"
#include "backend/host/c_string.h"
#include "backend/host/chat_rooms.h"
#include "backend/host/message_conversion.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/request_tracker.h"

namespace lilac {
namespace {

constexpr guint kUserInfoTimeoutMs = 30000;

std::string UserInfoKey(const std::string& session, const std::string& who) {
  return absl::StrCat(session, "\n", who);
}

}  // namespace

gboolean UserInfoTimeout(gpointer data) {
  auto* pending = static_cast<PurpleSessions::PendingUserInfo*>(data);
  PurpleSessions* self = PurpleSessions::Get(OnLoop::InCallback());
  auto range =
      self->user_info_.equal_range(UserInfoKey(pending->session, pending->who));
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.get() != pending) continue;
    std::unique_ptr<PurpleSessions::PendingUserInfo> owned =
        std::move(it->second);
    self->user_info_.erase(it);
    owned->done(absl::DeadlineExceededError(absl::StrCat(
        "the network did not answer for ", owned->who, " in time")));
    break;
  }
  return G_SOURCE_REMOVE;
}

void PurpleSessions::GetUserInfo(
    const OnLoop&, const v1::GetUserInfoRequest& request,
    absl::AnyInvocable<void(absl::StatusOr<v1::GetUserInfoResponse>)> done) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return done(session.status());
  PurpleConnection* gc = purple_account_get_connection((*session)->account);
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (info == nullptr || info->get_info == nullptr) {
    return done(
        absl::FailedPreconditionError("this protocol cannot fetch user info"));
  }
  std::string who = request.name();
  if (!request.chat().empty()) {
    // A room participant: the protocol knows their real name.
    PurpleConversation* conv = FindChat(*session, request.chat());
    if (conv == nullptr) {
      return done(absl::NotFoundError(absl::StrCat(
          "session ", request.session(), " is not in room ", request.chat())));
    }
    if (info->get_cb_info != nullptr) {
      auto pending = std::make_unique<PendingUserInfo>();
      pending->session = request.session();
      // The plugin answers under the participant's real name ("room/nick" or
      // only its contact part), not the nickname asked with.
      pending->who = request.name();
      if (info->get_cb_real_name != nullptr) {
        char* real = info->get_cb_real_name(
            gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
            request.name().c_str());
        if (real != nullptr) pending->who = real;
        g_free(real);
      }
      pending->done = std::move(done);
      pending->timeout =
          g_timeout_add(kUserInfoTimeoutMs, UserInfoTimeout, pending.get());
      user_info_.emplace(UserInfoKey(pending->session, pending->who),
                         std::move(pending));
      info->get_cb_info(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
                        request.name().c_str());
      return;
    }
    if (info->get_cb_real_name != nullptr) {
      char* real = info->get_cb_real_name(
          gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(conv)),
          request.name().c_str());
      if (real != nullptr) who = real;
      g_free(real);
    }
  }
  auto pending = std::make_unique<PendingUserInfo>();
  pending->session = request.session();
  pending->who = who;
  pending->done = std::move(done);
  pending->timeout =
      g_timeout_add(kUserInfoTimeoutMs, UserInfoTimeout, pending.get());
  user_info_.emplace(UserInfoKey(pending->session, who), std::move(pending));
  serv_get_info(gc, who.c_str());
}

void PurpleSessions::StoreUserInfo(LoopSession* session, const std::string& who,
                                   PurpleNotifyUserInfo* info) {
  v1::UserInfo result;
  result.set_name(who);
  for (GList* item = purple_notify_user_info_get_entries(info); item;
       item = item->next) {
    auto* entry = static_cast<PurpleNotifyUserInfoEntry*>(item->data);
    const std::string label =
        OrEmpty(purple_notify_user_info_entry_get_label(entry));
    const std::string value =
        HtmlToText(purple_notify_user_info_entry_get_value(entry));
    if (label.empty() && value.empty()) continue;
    v1::UserInfoField* field = result.add_fields();
    field->set_label(label);
    field->set_value(value);
    const std::string lower = absl::AsciiStrToLower(label);
    if (result.full_name().empty() &&
        (lower == "full name" || lower == "name" || lower == "realname" ||
         lower == "real name")) {
      result.set_full_name(value);
    } else if (result.nickname().empty() &&
               (lower == "nickname" || lower == "nick" || lower == "alias")) {
      result.set_nickname(value);
    }
  }
  if (PurpleBuddy* buddy = purple_find_buddy(session->account, who.c_str())) {
    result.set_avatar(BuddyIconBytes(buddy));
    if (!result.avatar().empty()) {
      result.set_avatar_mime_type(GuessMimeType(result.avatar()));
    }
  }

  auto range = user_info_.equal_range(UserInfoKey(session->key, who));
  if (range.first == range.second) {
    // Asked for a resource ("room/nick", "contact/device"), answered for the
    // name before it: the lookups of this session for who + "/…".
    const std::string prefix = UserInfoKey(session->key, who + "/");
    auto first = user_info_.lower_bound(prefix);
    auto last = first;
    while (last != user_info_.end() &&
           last->first.compare(0, prefix.size(), prefix) == 0) {
      ++last;
    }
    range = {first, last};
  }
  std::vector<std::unique_ptr<PendingUserInfo>> answered;
  for (auto it = range.first; it != range.second; ++it) {
    answered.push_back(std::move(it->second));
  }
  user_info_.erase(range.first, range.second);
  for (auto& pending : answered) {
    g_source_remove(pending->timeout);
    v1::GetUserInfoResponse response;
    *response.mutable_info() = result;
    pending->done(std::move(response));
  }
  if (answered.empty()) {
    // Pushed by the plugin without a request: still worth telling the client.
    v1::Event event;
    event.mutable_user_info_received()->set_name(who);
    std::string text;
    for (const v1::UserInfoField& field : result.fields()) {
      absl::StrAppend(&text, field.label(), field.label().empty() ? "" : ": ",
                      field.value(), "\n");
    }
    event.mutable_user_info_received()->set_text(text);
    Emit(session, std::move(event));
  }
}

absl::Status PurpleSessions::SetProfile(const OnLoop&,
                                        const v1::SetProfileRequest& request) {
  // Offline, libpurple would keep the nickname locally and never send it.
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  if (request.has_nickname()) {
    purple_account_set_alias(account, request.nickname().c_str());
    PurpleConnection* gc = purple_account_get_connection(account);
    PurplePluginProtocolInfo* info =
        gc ? PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc))
           : nullptr;
    if (info != nullptr &&
        PURPLE_PROTOCOL_PLUGIN_HAS_FUNC(info, set_public_alias)) {
      purple_account_set_public_alias(account, request.nickname().c_str(),
                                      nullptr, nullptr);
    }
  }
  if (request.has_avatar()) {
    if (request.avatar().empty()) {
      purple_buddy_icons_set_account_icon(account, nullptr, 0);
    } else {
      const std::string mime = GuessMimeType(request.avatar());
      if (mime.rfind("image/", 0) != 0) {
        return absl::InvalidArgumentError(
            "avatar must be PNG, JPEG, GIF, WebP or BMP bytes");
      }
      // libpurple takes ownership of a g_malloc'd copy.
      auto* data = static_cast<guchar*>(
          g_memdup2(request.avatar().data(), request.avatar().size()));
      purple_buddy_icons_set_account_icon(account, data,
                                          request.avatar().size());
    }
  }
  return absl::OkStatus();
}

absl::Status PurpleSessions::AnswerRequest(
    const OnLoop&, const v1::AnswerRequestRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  return requests_->Answer(*session, request);
}

absl::Status PurpleSessions::CancelRequest(
    const OnLoop&, const v1::CancelRequestRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  return requests_->Cancel(*session, request.request_id());
}

}  // namespace lilac
