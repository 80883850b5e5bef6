#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_CONNECTION_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_CONNECTION_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "purple.h"
#include "testing/fake_prpl/fake_network.pb.h"
#include "testing/fake_prpl/frame_codec.h"
#include "testing/fake_prpl/prpl_files.h"

namespace lilac::testing::fake {

// A question from the server, open in the host's request UI.
struct PendingQuestion {
  class FakeConnection* connection;
  v1::Question question;
  PurpleRequestType type;
  void* ui_handle = nullptr;
};

// An authorization request open in the host's UI.
struct PendingAuthorization {
  class FakeConnection* connection;
  std::string from;
};

// One account's link to the fake server, the PurpleConnection's protocol data.
// Everything goes through libpurple: purple_proxy_connect to connect,
// purple_input_add to read and write, purple_connection_error_reason when the
// link fails, so hosts see real connection errors and reconnects.
class FakeConnection {
 public:
  explicit FakeConnection(PurpleConnection* gc);
  // Closes the socket and every request still open for this connection, so no
  // host can answer one after the connection is gone.
  ~FakeConnection();
  FakeConnection(const FakeConnection&) = delete;
  FakeConnection& operator=(const FakeConnection&) = delete;

  // The connection of `gc`, or null before login / after close.
  static FakeConnection* From(PurpleConnection* gc);

  // Connects to the account's `server`:`port` and logs in.
  void Connect();
  // Queues a frame; written as soon as the socket takes it.
  void Send(const v1::ClientFrame& frame);
  // Reports a connection error once and stops reading and writing.
  void Fail(PurpleConnectionError reason, const std::string& message);

  PurpleConnection* gc() const { return gc_; }
  PurpleAccount* account() const { return purple_connection_get_account(gc_); }
  bool logged_in() const { return logged_in_; }
  void set_logged_in() { logged_in_ = true; }
  std::string NextMessageId();

  // Chat ids of rooms: stable for the life of the connection.
  int ChatIdOf(const std::string& room);
  // The room of a chat id, or empty.
  std::string RoomOf(int id) const;

  // Requests this connection opened; owned here so close can drop them.
  PendingQuestion* AddQuestion(const v1::Question& question);
  PendingQuestion* FindQuestion(const std::string& id);
  void RemoveQuestion(const std::string& id);
  PendingAuthorization* AddAuthorization(const std::string& from);
  void RemoveAuthorization(PendingAuthorization* authorization);

  // prpl-fake-facebook: senders whose contact was fetched, and messages held
  // until then.
  std::set<std::string>& known_senders() { return known_senders_; }
  std::map<std::string, std::vector<v1::IncomingIm>>& held_messages() {
    return held_messages_;
  }

  FileTransfers& files() { return *files_; }

  // The room list being filled by the server's answer (a reference is held).
  PurpleRoomlist* roomlist = nullptr;

 private:
  static void OnConnected(gpointer data, gint fd, const gchar* error);
  static void OnReadable(gpointer data, gint fd, PurpleInputCondition);
  static void OnWritable(gpointer data, gint fd, PurpleInputCondition);
  void Flush();
  void RemoveWatches();

  PurpleConnection* const gc_;
  PurpleProxyConnectData* connect_data_ = nullptr;
  int fd_ = -1;
  guint read_watch_ = 0;
  guint write_watch_ = 0;
  FrameReader reader_;
  std::string outbox_;
  bool failed_ = false;
  bool logged_in_ = false;
  int next_message_id_ = 1;
  std::map<int, std::string> rooms_by_id_;
  std::map<std::string, int> ids_by_room_;
  std::map<std::string, std::unique_ptr<PendingQuestion>> questions_;
  std::vector<std::unique_ptr<PendingAuthorization>> authorizations_;
  std::set<std::string> known_senders_;
  std::map<std::string, std::vector<v1::IncomingIm>> held_messages_;
  std::unique_ptr<FileTransfers> files_;
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_CONNECTION_H_
