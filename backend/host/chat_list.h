#ifndef LILAC_BACKEND_HOST_CHAT_LIST_H_
#define LILAC_BACKEND_HOST_CHAT_LIST_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lilac/v1/chats.pb.h"
#include "purple.h"

namespace lilac {

using ChatListDone =
    absl::AnyInvocable<void(absl::StatusOr<v1::ListChatsResponse>)>;

// Lists the chats of `gc`'s directory (libpurple's room list): `done` runs
// once, on the loop thread, with every chat when the plugin ends the list, or
// with an error (see ListChatsRequest). A call while a list of the same server
// is being made for the account waits for that list.
void ListChatsOf(PurpleConnection* gc, const std::string& server,
                 absl::Duration timeout, ChatListDone done);

// For a text question the plugin asks while lilac starts a chat list of
// `account` (XMPP: which conference server to list): true if it is that
// question, with `answer` set to the server to give, or empty when there is
// none (the question is then cancelled and the list fails with
// INVALID_ARGUMENT).
bool TakeChatListQuestion(PurpleAccount* account, const char* title,
                          const char* default_value, std::string* answer);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_CHAT_LIST_H_
