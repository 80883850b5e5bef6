#ifndef LILAC_BACKEND_API_FILE_CALLS_H_
#define LILAC_BACKEND_API_FILE_CALLS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "backend/commands/host_commands.h"
#include "backend/host/partial_upload.h"
#include "grpcpp/grpcpp.h"
#include "lilac/v1/files.pb.h"

namespace lilac {

// One SendFile call: its messages are checked as they arrive and their bytes
// written to a PartialUpload (never the whole file in memory). The first
// message is checked against the session by the host before any more is
// read; once all the bytes came the host offers the file. A refused message, a
// stream that ends early or a cancel ends the call and removes the bytes.
class SendFileCall : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  SendFileCall(grpc::CallbackServerContext* context, HostCommands* host,
               grpc::ByteBuffer* wire_response);

  void OnReadDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void OnHeader(v1::SendFileRequest header);
  void OnStreamEnd();
  void Fail(const absl::Status& status);

  grpc::CallbackServerContext* const context_;
  HostCommands* const host_;
  grpc::ByteBuffer* const wire_response_;
  grpc::ByteBuffer wire_;
  // The first message without its data; set once it was read.
  std::unique_ptr<v1::SendFileRequest> header_;
  // The first message's data, written at the next read's completion.
  std::string first_bytes_;
  // Created by the host after the first message was accepted; read and
  // written by one thread at a time (a read completes before the next
  // starts).
  std::unique_ptr<PartialUpload> upload_;
};

// One FetchFile call: the host opens the spooled file, the call reads and
// writes it in chunks of kMaxFileChunkBytes, and the host removes it once
// the last chunk was written. A client that goes away midway
// leaves the file in the spool.
class FetchFileCall : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  FetchFileCall(HostCommands* host, const v1::FetchFileRequest& request);
  ~FetchFileCall() override;

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  void OnOpened(SpooledFile opened);
  // Reads the next chunk and writes it; after the last, has the file removed
  // and finishes.
  void WriteNext();

  HostCommands* const host_;
  const v1::FetchFileRequest request_;
  SpooledFile file_;
  uint64_t offset_ = 0;
  bool first_ = true;
  grpc::ByteBuffer wire_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_API_FILE_CALLS_H_
