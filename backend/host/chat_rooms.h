#ifndef LILAC_BACKEND_HOST_CHAT_ROOMS_H_
#define LILAC_BACKEND_HOST_CHAT_ROOMS_H_

#include <string>
#include <vector>

#include "backend/host/loop_session.h"
#include "lilac/v1/chats.pb.h"
#include "purple.h"

namespace lilac {

// The room string the client used in JoinChat for a libpurple chat conversation
// (networks may change case or form); the conversation's own name if the client
// never named it.
std::string RoomKeyOf(LoopSession* session,
                      const std::string& conversation_name);

// The open chat conversation of a room the client names, or null.
PurpleConversation* FindChat(LoopSession* session, const std::string& room);

// How long a join lilac started counts as in progress if the network neither
// opens the room nor refuses it.
inline constexpr gint64 kJoinInProgressMicros = 60 * G_USEC_PER_SEC;

// Rooms (by the client's name) whose join lilac started and that have neither
// opened nor failed yet, within kJoinInProgressMicros.
std::vector<std::string> RoomsBeingJoined(LoopSession* session);

// The room being joined that `name` (a conversation's name or a request's
// `who`) names, compared through the protocol's normalisation with the client's
// name and the protocol's own name for the room; "" if none.
std::string RoomBeingJoined(LoopSession* session, const std::string& name);

// True if one of `rooms` has opened: joined, or its join being announced.
bool AnyRoomOpened(LoopSession* session, const std::vector<std::string>& rooms);

// libpurple gives no reason with "chat-join-failed"; plugins describe the error
// in words (XMPP's error conditions, IRC's numerics). This classifies the
// common ones.
v1::ChatJoinError ClassifyChatJoinError(const std::string& words);

v1::ParticipantRole ToRole(PurpleConvChatBuddyFlags flags);

v1::Participant DescribeParticipant(PurpleConvChat* chat,
                                    PurpleConvChatBuddy* buddy);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_CHAT_ROOMS_H_
