#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_USER_STATE_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_USER_STATE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lilac/v1/lilac.pb.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {

// A room as Spectrum knows it.
struct RoomState {
  // Exactly the string from JOIN_ROOM: every room payload carries it.
  std::string room;
  // The nickname Spectrum believes is ours (JOIN_ROOM's, or the last one we
  // told it with ROOM_NICKNAME_CHANGED).
  std::string nickname;
  std::string password;
  bool joined = false;
  // Our own participant flag (moderator...), kept across renames.
  int self_flag = 0;
  // Participants, to keep moderator flags on updates.
  std::map<std::string, v1::Participant> participants;
};

// Everything the shim keeps for one Spectrum user (one LOGIN).
struct UserState {
  // The bare JID Spectrum names the user by.
  std::string user;
  std::string legacy_name;
  // lilac's session key: unique per LOGIN, so late events of an earlier
  // login of the same user can never be mistaken for this one's.
  std::string session;
  std::string protocol;
  std::string username;

  bool connected = false;
  // CONNECTED or DISCONNECTED was sent for this LOGIN's failure; nothing is
  // sent after a DISCONNECTED.
  bool disconnected = false;
  // An open event stream follows this session: it was logged in while the
  // stream was open, or a stream opened since. Only followed sessions are
  // disconnected when the stream ends; a LOGIN during an outage waits for
  // lilacd instead.
  bool followed = false;
  // lilacd answered the Login successfully.
  bool login_answered = false;

  // Wanted before CONNECTED; applied on connect.
  std::optional<v1::SetStatusRequest> pending_status;
  std::vector<std::string> pending_joins;  // room strings
  // Roster changes (second: a removal) and the user's own vCard that came
  // before CONNECTED: lilacd refuses them until the session is connected, so
  // they wait here, in order.
  std::vector<std::pair<pbnetwork::Buddy, bool>> pending_buddies;
  std::optional<pbnetwork::VCard> pending_own_vcard;

  // By room string.
  std::map<std::string, RoomState> rooms;
  // Roster as last sent, by buddy name: presence updates carry the rest.
  std::map<std::string, v1::Buddy> buddies;
  // Pending authorization requests, by the asking buddy's name.
  std::map<std::string, uint64_t> authorizations;
  // Open interactive requests, oldest first.
  std::map<uint64_t, v1::RequestOpened> requests;
  bool request_contact_announced = false;

  // Conversations (name, is a room) with messages received since the user
  // last answered or showed a chat state there: only those need a MarkRead
  // (plugins mark read only what is unread, so any other call is wasted).
  // Names are kept lowercased: Spectrum may answer a buddy by a lowercased
  // JID.
  void NoteUnread(const std::string& conversation, bool room);
  // Whether the conversation had unread messages; it has none afterwards.
  bool TakeUnread(const std::string& conversation, bool room);
  std::set<std::pair<std::string, bool>> unread;
};

// Remembers messages already delivered to one XMPP user, across that user's
// logins in this process, so plugins that replay unread history on every
// connect (Facebook's show-unread) do not deliver them twice. A replay is a
// delayed message whose sender, text and time (within a few seconds: the
// first delivery may carry the arrival time) match one already delivered.
class DeliveredMessages {
 public:
  explicit DeliveredMessages(size_t capacity = 2000) : capacity_(capacity) {}
  // Records a delivery; returns false (and records nothing) when a delayed
  // message repeats an earlier delivery.
  bool Deliver(const std::string& conversation, const std::string& text,
               int64_t unix_seconds, bool delayed);

 private:
  size_t capacity_;
  std::multimap<std::string, int64_t> seen_;
  std::deque<std::multimap<std::string, int64_t>::iterator> order_;
};

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_USER_STATE_H_
