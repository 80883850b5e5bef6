#include "testing/lilacd/file_transfers.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "testing/lilacd/lilac_client.h"

namespace lilac::testing {

std::vector<v1::SendFileRequest> FileChunks(v1::SendFileRequest header,
                                            const std::string& data,
                                            size_t chunk_bytes) {
  std::vector<v1::SendFileRequest> messages;
  header.set_size(data.size());
  header.set_data(data.substr(0, std::min(chunk_bytes, data.size())));
  messages.push_back(std::move(header));
  for (size_t offset = messages.front().data().size(); offset < data.size();
       offset += chunk_bytes) {
    v1::SendFileRequest chunk;
    chunk.set_offset(offset);
    chunk.set_data(data.substr(offset, chunk_bytes));
    messages.push_back(std::move(chunk));
  }
  return messages;
}

grpc::Status SendFileMessages(v1::LilacService::Stub& stub,
                              const std::vector<v1::SendFileRequest>& messages,
                              v1::SendFileResponse* response) {
  auto context = LilacClient::Context();
  std::unique_ptr<grpc::ClientWriter<v1::SendFileRequest>> writer =
      stub.SendFile(context.get(), response);
  for (const v1::SendFileRequest& message : messages) {
    if (!writer->Write(message)) break;  // lilacd ended the call
  }
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status FetchWholeFile(v1::LilacService::Stub& stub,
                            const v1::FetchFileRequest& request,
                            FetchedFile* file) {
  auto context = LilacClient::Context();
  std::unique_ptr<grpc::ClientReader<v1::FetchFileResponse>> reader =
      stub.FetchFile(context.get(), request);
  v1::FetchFileResponse message;
  grpc::Status broken;
  while (reader->Read(&message)) {
    if (file->messages == 0) {
      file->filename = message.filename();
      file->mime_type = message.mime_type();
      file->size = message.size();
    } else if (!message.filename().empty() || !message.mime_type().empty() ||
               message.size() != 0) {
      broken = grpc::Status(grpc::StatusCode::INTERNAL,
                            "header fields after the first message");
    }
    if (message.offset() != file->data.size()) {
      broken = grpc::Status(grpc::StatusCode::INTERNAL,
                            absl::StrCat("offset ", message.offset(), " after ",
                                         file->data.size(), " bytes"));
    }
    ++file->messages;
    file->largest_chunk = std::max(file->largest_chunk, message.data().size());
    file->data += message.data();
  }
  grpc::Status status = reader->Finish();
  return status.ok() ? broken : status;
}

}  // namespace lilac::testing
