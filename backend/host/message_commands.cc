// PurpleSessions: one-to-one messages, typing, attention and read markers.
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "backend/host/contact_names.h"
#include "backend/host/failures.h"
#include "backend/host/message_conversion.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"

namespace lilac {

absl::StatusOr<v1::SendMessageResponse> PurpleSessions::SendMessage(
    const OnLoop&, const v1::SendMessageRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  v1::SendMessageResponse response;
  response.set_client_message_id(request.client_message_id());
  PurpleConnection* gc = purple_account_get_connection((*session)->account);
  if (gc == nullptr || !(*session)->connected()) {
    *response.mutable_failure() =
        MakeFailure(v1::FAILURE_CODE_NOT_CONNECTED, "not connected");
  } else {
    const std::string html =
        request.html().empty() ? TextToHtml(request.text()) : request.html();
    // A conversation makes the send visible to plugins that track them (typing,
    // receipts).
    PurpleConversation* conv = purple_find_conversation_with_account(
        PURPLE_CONV_TYPE_IM, request.to().c_str(), (*session)->account);
    if (conv == nullptr) {
      conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, (*session)->account,
                                     request.to().c_str());
    }
    // Before the send: a plugin may write its echo from inside it.
    (*session)->own_sends.Note(
        {false, NormalizedName((*session)->account, request.to())},
        HtmlToText(html.c_str()), request.client_message_id(), absl::Now());
    // > 0: sent; 0: accepted without a local echo; < 0: -errno.
    const int result = serv_send_im(gc, request.to().c_str(), html.c_str(),
                                    PURPLE_MESSAGE_SEND);
    response.set_accepted(result >= 0);
    if (result < 0) *response.mutable_failure() = FailureFromErrno(-result);
  }
  EmitSendResult(*session, request.to(), response.client_message_id(),
                 response.accepted(),
                 response.has_failure() ? &response.failure() : nullptr);
  return response;
}

void PurpleSessions::EmitSendResult(LoopSession* session, const std::string& to,
                                    const std::string& client_message_id,
                                    bool accepted, const v1::Failure* failure) {
  v1::Event event;
  v1::MessageSendResult* sent = event.mutable_message_send_result();
  sent->set_client_message_id(client_message_id);
  sent->set_to(to);
  sent->set_accepted(accepted);
  if (failure != nullptr) *sent->mutable_failure() = *failure;
  Emit(session, std::move(event));
}

absl::Status PurpleSessions::SendTyping(const OnLoop&,
                                        const v1::SendTypingRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleTypingState state;
  switch (request.state()) {
    case v1::TYPING_STATE_TYPING:
      state = PURPLE_TYPING;
      break;
    case v1::TYPING_STATE_PAUSED:
      state = PURPLE_TYPED;
      break;
    case v1::TYPING_STATE_STOPPED:
      state = PURPLE_NOT_TYPING;
      break;
    default:
      return absl::InvalidArgumentError(
          "state must be TYPING, PAUSED or STOPPED");
  }
  serv_send_typing(purple_account_get_connection((*session)->account),
                   request.to().c_str(), state);
  return absl::OkStatus();
}

absl::Status PurpleSessions::SendAttention(
    const OnLoop&, const v1::SendAttentionRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleConnection* gc = purple_account_get_connection((*session)->account);
  PurplePluginProtocolInfo* info =
      PURPLE_PLUGIN_PROTOCOL_INFO(purple_connection_get_prpl(gc));
  if (info == nullptr || info->send_attention == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(purple_account_get_protocol_id((*session)->account),
                     " has no attention (buzz)"));
  }
  purple_prpl_send_attention(gc, request.to().c_str(), 0);
  return absl::OkStatus();
}

absl::Status PurpleSessions::MarkRead(const OnLoop&,
                                      const v1::MarkReadRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  PurpleConversation* conv = purple_find_conversation_with_account(
      request.chat() ? PURPLE_CONV_TYPE_CHAT : PURPLE_CONV_TYPE_IM,
      request.conversation().c_str(), (*session)->account);
  if (conv == nullptr) {
    return absl::NotFoundError(absl::StrCat("session ", request.session(),
                                            " has no conversation with ",
                                            request.conversation()));
  }
  // Plugins mark messages read when the unseen state changes while the
  // conversation has focus.
  SetFocusedConversation(conv);
  purple_conversation_set_data(conv, "unseen-count", GINT_TO_POINTER(0));
  purple_conversation_update(conv, PURPLE_CONV_UPDATE_UNSEEN);
  SetFocusedConversation(nullptr);
  return absl::OkStatus();
}

}  // namespace lilac
