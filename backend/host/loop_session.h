#ifndef LILAC_BACKEND_HOST_LOOP_SESSION_H_
#define LILAC_BACKEND_HOST_LOOP_SESSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "backend/host/account_settings_watch.h"
#include "backend/host/own_sends.h"
#include "lilac/v1/chats.pb.h"
#include "lilac/v1/requests.pb.h"
#include "lilac/v1/sessions.pb.h"
#include "purple.h"

namespace lilac {

// A pending authorization request ("may X add you?").
struct PendingAuthorization {
  PurpleAccountRequestAuthorizationCb authorize = nullptr;
  PurpleAccountRequestAuthorizationCb deny = nullptr;
  void* user_data = nullptr;
  void* ui_handle = nullptr;  // what libpurple holds; freed when answered
};

// A room we joined or are joining, remembered to join again after a reconnect.
struct JoinedRoom {
  std::map<std::string, std::string> components;
  bool joined = false;
  bool leaving = false;  // we asked to leave: a ChatLeft is not a kick
  // g_get_monotonic_time() when lilac last asked the network to join; 0: not
  // yet. Questions the plugin asks about a join in progress are answered with
  // their defaults (see RoomBeingJoined).
  gint64 join_started = 0;
  // The plugin's latest system line in the chat and g_get_monotonic_time()
  // when written: plugins explain a kick this way just before leaving.
  std::string last_notice;
  gint64 last_notice_time = 0;
};

// One session's state on the loop thread. Reached from libpurple callbacks
// through the account's ui_data. Only the loop thread touches it.
struct LoopSession {
  std::string key;
  PurpleAccount* account = nullptr;
  // Kept only in memory: libpurple forgets a password it may not remember when
  // a connection ends, and automatic reconnects need it again.
  std::string password;
  v1::ReconnectPolicy reconnect;
  uint32_t reconnect_attempt = 0;
  guint reconnect_timer = 0;
  // How long each connection attempt may stay connecting before lilac cuts it
  // (LoginRequest.connect_timeout), in milliseconds, and the timer of the
  // current one.
  guint connect_timeout_ms = 0;
  guint connect_timer = 0;
  bool logging_out = false;
  // report_disconnect_reason came before disconnected for the current
  // connection.
  bool disconnect_reported = false;

  uint64_t next_authorization_id = 1;
  std::map<uint64_t, PendingAuthorization> authorizations;
  // libpurple asks about a chat invitation with an accept/cancel request right
  // after its "chat-invited" signal; this holds the invitation until that
  // request opens, and the ids of such requests are answered with
  // AnswerChatInvitation.
  std::optional<v1::ChatInvitation> opening_invitation;
  std::set<uint64_t> invitation_requests;
  // Messages handed to the plugin, to recognise their echoes.
  OwnSends own_sends;
  // The account's settings as last reported (or as Login set them), to find
  // what the plugin changed.
  AccountSettings reported_settings;
  // Rooms by the name the client used in JoinChat.
  std::map<std::string, JoinedRoom> rooms;

  // Connected and usable. libpurple tears a failed connection down from a timer
  // after it reported the error, and calls made in between would go to a dead
  // connection.
  bool connected() const {
    return purple_account_is_connected(account) && !disconnect_reported;
  }
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_LOOP_SESSION_H_
