// Frames from the server about the account itself: login results, IMs,
// typing, presence, the buddy list, authorization, user info.
#include "testing/fake_prpl/prpl_incoming.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "testing/fake_prpl/prpl_flavor.h"
#include "testing/fake_prpl/prpl_misbehave.h"
#include "testing/fake_prpl/prpl_state.h"

namespace lilac::testing::fake {
namespace {

PurpleConnectionError ConnectionErrorFor(v1::LoginError error) {
  switch (error) {
    case v1::LOGIN_ERROR_WRONG_PASSWORD:
    case v1::LOGIN_ERROR_WRONG_SECOND_FACTOR:
    case v1::LOGIN_ERROR_SECOND_FACTOR_CANCELLED:
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case v1::LOGIN_ERROR_UNKNOWN_USER:
      return PURPLE_CONNECTION_ERROR_INVALID_USERNAME;
    case v1::LOGIN_ERROR_SERVER_ERROR:
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;  // transient: retry
    default:
      // Rate limited: fatal for libpurple, so hosts do not retry at once.
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  }
}

const char* StatusIdOf(const std::string& id) {
  if (id == "available" || id == "away") return id.c_str();
  return "offline";
}

void SetBuddyStatus(PurpleAccount* account, const std::string& who,
                    const std::string& status_id, const std::string& message) {
  if (message.empty()) {
    purple_prpl_got_user_status(account, who.c_str(), StatusIdOf(status_id),
                                nullptr);
  } else {
    purple_prpl_got_user_status(account, who.c_str(), StatusIdOf(status_id),
                                "message", message.c_str(), nullptr);
  }
}

PurpleGroup* GroupNamed(const std::string& name) {
  PurpleGroup* group = purple_find_group(name.c_str());
  if (group == nullptr) {
    group = purple_group_new(name.c_str());
    purple_blist_add_group(group, nullptr);
  }
  return group;
}

void AddBuddyToList(FakeConnection& connection, const v1::Buddy& wire) {
  PurpleAccount* account = connection.account();
  std::vector<std::string> groups(wire.groups().begin(), wire.groups().end());
  if (groups.empty()) groups.push_back("Buddies");
  for (const std::string& group_name : groups) {
    PurpleGroup* group = GroupNamed(group_name);
    if (purple_find_buddy_in_group(account, wire.name().c_str(), group)) {
      continue;
    }
    PurpleBuddy* buddy =
        purple_buddy_new(account, wire.name().c_str(), nullptr);
    purple_blist_add_buddy(buddy, nullptr, group, nullptr);
  }
  if (!wire.alias().empty()) {
    serv_got_alias(connection.gc(), wire.name().c_str(), wire.alias().c_str());
  }
  SetBuddyStatus(account, wire.name(), wire.status_id(), wire.status_message());
  if (!wire.avatar().empty()) {
    purple_buddy_icons_set_for_user(
        account, wire.name().c_str(),
        g_memdup2(wire.avatar().data(), wire.avatar().size()),
        wire.avatar().size(), nullptr);
  }
}

void HandleLoginSucceeded(FakeConnection& connection,
                          const v1::LoginSucceeded& ok) {
  PurpleConnection* gc = connection.gc();
  // Before signed-on, so hosts that save accounts then see the new token.
  if (!ok.session_token().empty()) {
    StoreSessionToken(connection.account(), ok.session_token());
  }
  purple_connection_set_display_name(gc, ok.display_name().c_str());
  purple_connection_update_progress(gc, "Connected", 2, 3);
  connection.set_logged_in();
  purple_connection_set_state(gc, PURPLE_CONNECTED);  // emits signed-on
  for (const std::string& group : ok.groups()) GroupNamed(group);
  for (const v1::Buddy& buddy : ok.buddies()) AddBuddyToList(connection, buddy);
}

// Our own message, sent from another client of ours.
void WriteRemoteSend(FakeConnection& connection, const v1::IncomingIm& im,
                     const std::string& html, PurpleMessageFlags flags,
                     time_t when) {
  if (Flavor().facebook &&
      !purple_account_get_bool(connection.account(), "show-self", TRUE)) {
    return;
  }
  PurpleAccount* account = connection.account();
  PurpleConversation* conv = purple_find_conversation_with_account(
      PURPLE_CONV_TYPE_IM, im.sent_to().c_str(), account);
  if (conv == nullptr) {
    conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, account,
                                   im.sent_to().c_str());
  }
  purple_conv_im_write(
      PURPLE_CONV_IM(conv), purple_account_get_username(account), html.c_str(),
      static_cast<PurpleMessageFlags>(flags | PURPLE_MESSAGE_SEND |
                                      PURPLE_MESSAGE_REMOTE_SEND),
      when);
}

void DeliverIm(FakeConnection& connection, const v1::IncomingIm& im) {
  std::vector<int> image_ids;
  const std::string html =
      MessageHtml(im.text(), im.format(), im.images(), &image_ids);
  int flags = image_ids.empty() ? 0 : PURPLE_MESSAGE_IMAGES;
  if (im.server_time() != 0) flags |= PURPLE_MESSAGE_DELAYED;
  const time_t when = im.server_time() != 0 ? im.server_time() : time(nullptr);
  if (!im.sent_to().empty()) {
    WriteRemoteSend(connection, im, html,
                    static_cast<PurpleMessageFlags>(flags), when);
  } else {
    serv_got_im(connection.gc(), im.from().c_str(), html.c_str(),
                static_cast<PurpleMessageFlags>(flags | PURPLE_MESSAGE_RECV),
                when);
  }
  ReleaseImages(image_ids);
}

void HandleIncomingIm(FakeConnection& connection, const v1::IncomingIm& im) {
  // Facebook holds messages from senders it does not know until their
  // contact arrives, so they can overtake each other.
  if (Flavor().facebook && im.sent_to().empty() &&
      purple_find_buddy(connection.account(), im.from().c_str()) == nullptr &&
      !connection.known_senders().count(im.from())) {
    auto& held = connection.held_messages()[im.from()];
    held.push_back(im);
    if (held.size() == 1) {
      v1::ClientFrame fetch;
      fetch.mutable_fetch_contact()->set_name(im.from());
      connection.Send(fetch);
    }
    return;
  }
  DeliverIm(connection, im);
}

void HandleContactInfo(FakeConnection& connection,
                       const v1::ContactInfo& contact) {
  connection.known_senders().insert(contact.name());
  auto held = connection.held_messages().extract(contact.name());
  if (held.empty()) return;
  for (const v1::IncomingIm& im : held.mapped()) DeliverIm(connection, im);
}

void HandleTyping(FakeConnection& connection, const v1::Typing& typing) {
  switch (typing.state()) {
    case v1::TYPING_STATE_TYPING:
      serv_got_typing(connection.gc(), typing.from().c_str(), 0, PURPLE_TYPING);
      break;
    case v1::TYPING_STATE_TYPED:
      serv_got_typing(connection.gc(), typing.from().c_str(), 0, PURPLE_TYPED);
      break;
    default:
      serv_got_typing_stopped(connection.gc(), typing.from().c_str());
      break;
  }
}

void OnAuthorizationGranted(void* data) {
  auto* pending = static_cast<PendingAuthorization*>(data);
  v1::ClientFrame frame;
  frame.mutable_answer_authorization()->set_from(pending->from);
  frame.mutable_answer_authorization()->set_granted(true);
  pending->connection->Send(frame);
  pending->connection->RemoveAuthorization(pending);
}

void OnAuthorizationDenied(void* data) {
  auto* pending = static_cast<PendingAuthorization*>(data);
  v1::ClientFrame frame;
  frame.mutable_answer_authorization()->set_from(pending->from);
  frame.mutable_answer_authorization()->set_granted(false);
  pending->connection->Send(frame);
  pending->connection->RemoveAuthorization(pending);
}

void HandleAuthorizationRequest(FakeConnection& connection,
                                const v1::AuthorizationRequest& request) {
  PurpleAccount* account = connection.account();
  PendingAuthorization* pending = connection.AddAuthorization(request.from());
  const bool on_list =
      purple_find_buddy(account, request.from().c_str()) != nullptr;
  purple_account_request_authorization(
      account, request.from().c_str(), nullptr, nullptr,
      request.message().empty() ? nullptr : request.message().c_str(), on_list,
      OnAuthorizationGranted, OnAuthorizationDenied, pending);
}

void HandleUserInfo(FakeConnection& connection, const v1::UserInfo& wire) {
  PurpleNotifyUserInfo* info = purple_notify_user_info_new();
  if (!wire.full_name().empty()) {
    purple_notify_user_info_add_pair_plaintext(info, "Full name",
                                               wire.full_name().c_str());
  }
  if (!wire.nickname().empty()) {
    purple_notify_user_info_add_pair_plaintext(info, "Nickname",
                                               wire.nickname().c_str());
  }
  std::vector<int> image_ids;
  if (!wire.avatar().empty()) {
    google::protobuf::RepeatedPtrField<v1::Image> images;
    images.Add()->set_data(wire.avatar());
    const std::string html =
        MessageHtml("", v1::MESSAGE_FORMAT_HTML, images, &image_ids);
    purple_notify_user_info_add_pair(info, "Avatar", html.c_str());
  }
  purple_notify_userinfo(connection.gc(), wire.name().c_str(), info, nullptr,
                         nullptr);
  purple_notify_user_info_destroy(info);
  ReleaseImages(image_ids);
}

void HandleProtocolError(FakeConnection& connection,
                         const v1::ProtocolError& error) {
  if (error.fatal()) {
    connection.Fail(PURPLE_CONNECTION_ERROR_OTHER_ERROR,
                    absl::StrCat("Server error: ", error.message()));
  } else {
    purple_debug_warning(Flavor().id, "server error: %s\n",
                         error.message().c_str());
  }
}

}  // namespace

std::string MessageHtml(
    const std::string& text, v1::MessageFormat format,
    const google::protobuf::RepeatedPtrField<v1::Image>& images,
    std::vector<int>* image_ids) {
  std::string html;
  if (format == v1::MESSAGE_FORMAT_HTML) {
    html = text;
  } else {
    char* escaped = purple_markup_escape_text(text.c_str(), text.size());
    html = escaped;
    g_free(escaped);
  }
  for (const v1::Image& image : images) {
    // The store takes the copy; our reference is dropped after delivery.
    const int id = purple_imgstore_add_with_id(
        g_memdup2(image.data().data(), image.data().size()),
        image.data().size(),
        image.filename().empty() ? nullptr : image.filename().c_str());
    if (id == 0) continue;
    image_ids->push_back(id);
    absl::StrAppend(&html, "<img id=\"", id, "\">");
  }
  return html;
}

void ReleaseImages(const std::vector<int>& image_ids) {
  for (int id : image_ids) purple_imgstore_unref_by_id(id);
}

void HandleServerFrame(FakeConnection& connection,
                       const v1::ServerFrame& frame) {
  PurpleConnection* gc = connection.gc();
  PurpleAccount* account = connection.account();
  switch (frame.frame_case()) {
    case v1::ServerFrame::kLoginSucceeded:
      HandleLoginSucceeded(connection, frame.login_succeeded());
      break;
    case v1::ServerFrame::kMisbehave:
      Misbehave(frame.misbehave().kind());
      break;
    case v1::ServerFrame::kTokenRefreshed:
      StoreSessionToken(account, frame.token_refreshed().session_token());
      break;
    case v1::ServerFrame::kLoginFailed:
      connection.Fail(ConnectionErrorFor(frame.login_failed().error()),
                      frame.login_failed().message());
      break;
    case v1::ServerFrame::kIncomingIm:
      HandleIncomingIm(connection, frame.incoming_im());
      break;
    case v1::ServerFrame::kContactInfo:
      HandleContactInfo(connection, frame.contact_info());
      break;
    case v1::ServerFrame::kTyping:
      HandleTyping(connection, frame.typing());
      break;
    case v1::ServerFrame::kAttention:
      serv_got_attention(gc, frame.attention().from().c_str(),
                         frame.attention().type());
      break;
    case v1::ServerFrame::kPresence:
      SetBuddyStatus(account, frame.presence().who(),
                     frame.presence().status_id(), frame.presence().message());
      break;
    case v1::ServerFrame::kBuddyAdded:
      AddBuddyToList(connection, frame.buddy_added().buddy());
      break;
    case v1::ServerFrame::kBuddyRemoved: {
      GSList* buddies =
          purple_find_buddies(account, frame.buddy_removed().name().c_str());
      for (GSList* it = buddies; it != nullptr; it = it->next) {
        purple_blist_remove_buddy(static_cast<PurpleBuddy*>(it->data));
      }
      g_slist_free(buddies);
      break;
    }
    case v1::ServerFrame::kAuthorizationRequest:
      HandleAuthorizationRequest(connection, frame.authorization_request());
      break;
    case v1::ServerFrame::kUserInfo:
      HandleUserInfo(connection, frame.user_info());
      break;
    case v1::ServerFrame::kQuestion:
      AskQuestion(connection, frame.question());
      break;
    case v1::ServerFrame::kQuestionClosed:
      CloseQuestion(connection, frame.question_closed().question_id());
      break;
    case v1::ServerFrame::kFileOffer:
    case v1::ServerFrame::kFileAccept:
    case v1::ServerFrame::kFileData:
    case v1::ServerFrame::kFileEnd:
    case v1::ServerFrame::kFileCancel:
      connection.files().HandleFrame(frame);
      break;
    case v1::ServerFrame::kProtocolError:
      HandleProtocolError(connection, frame.protocol_error());
      break;
    default:
      HandleRoomFrame(connection, frame);
      break;
  }
}

}  // namespace lilac::testing::fake
