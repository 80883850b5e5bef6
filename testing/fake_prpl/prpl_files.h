#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_FILES_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_FILES_H_

#include <map>
#include <memory>
#include <string>

#include "purple.h"
#include "testing/fake_prpl/fake_network.pb.h"

namespace lilac::testing::fake {

class FakeConnection;

// The file transfers of one connection, through libpurple's transfer API in
// its prpl-driven mode: no file descriptor (purple_xfer_start(xfer, -1, NULL,
// 0)); the bytes travel as frames on the connection, handed to libpurple with
// a read op and purple_xfer_prpl_ready, taken from it with a write op.
//
// References: the plugin keeps none. The one libpurple holds (from
// purple_xfer_new for sends, purple_xfer_request for receives) is dropped by
// purple_xfer_end or a cancel, whose ops forget the transfer here first.
class FileTransfers {
 public:
  explicit FileTransfers(FakeConnection* connection)
      : connection_(connection) {}
  // Cancels every transfer still running (the connection is closing).
  ~FileTransfers();
  FileTransfers(const FileTransfers&) = delete;
  FileTransfers& operator=(const FileTransfers&) = delete;

  // new_xfer: a transfer to send to `who`, not yet offered.
  PurpleXfer* NewOutgoing(const char* who);
  // file_offer, file_accept, file_data, file_end and file_cancel frames.
  void HandleFrame(const v1::ServerFrame& frame);

 private:
  struct Transfer {
    FileTransfers* owner;
    std::string id;
    PurpleXfer* xfer;
    v1::FileMisbehavior misbehavior = v1::FILE_MISBEHAVIOR_UNSPECIFIED;
    std::string inbox;  // received bytes libpurple has not read yet
    guint continue_timer = 0;
  };

  static Transfer* Of(PurpleXfer* xfer);
  Transfer* Find(const std::string& id);
  Transfer* Track(PurpleXfer* xfer, std::string id);
  // Stops tracking (from the end and cancel ops).
  void Forget(Transfer* transfer);
  void Send(const v1::ClientFrame& frame);

  void HandleOffer(const v1::FileOffer& offer);
  void HandleAccept(const std::string& id);
  void HandleData(const v1::FileData& data);
  void HandleEnd(const std::string& id);
  void HandleCancel(const std::string& id);

  // libpurple's transfer ops.
  static void InitIncoming(PurpleXfer* xfer);
  static void InitOutgoing(PurpleXfer* xfer);
  static gssize Read(guchar** buffer, PurpleXfer* xfer);
  static gssize Write(const guchar* buffer, size_t size, PurpleXfer* xfer);
  static void Ended(PurpleXfer* xfer);
  static void Cancelled(PurpleXfer* xfer);
  // Sends the next chunk of an outgoing transfer, or ends it.
  static gboolean ContinueSend(gpointer transfer);

  FakeConnection* const connection_;
  bool closing_ = false;
  int next_id_ = 1;
  std::map<std::string, std::unique_ptr<Transfer>> transfers_;
};

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_FILES_H_
