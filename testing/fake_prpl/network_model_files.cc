// NetworkModel's file transfers: files the network sends clients
// (InjectFile) and files clients send, recorded whole when they end.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "testing/fake_prpl/network_model.h"

namespace lilac::testing::fake {
namespace {

// Bytes per FileData frame, well under the 4 MiB frame limit.
constexpr size_t kChunkBytes = 64 * 1024;

}  // namespace

absl::StatusOr<std::string> NetworkModel::InjectFile(
    const v1::InjectFileRequest& request) {
  if (request.from().empty()) {
    return absl::InvalidArgumentError("from is required");
  }
  absl::MutexLock lock(&mutex_);
  if (absl::Status connected = RequireConnected(request.account());
      !connected.ok()) {
    return connected;
  }
  const ConnectionId id = SessionsOf(request.account()).front();
  const std::string transfer_id = absl::StrCat("srv-file-", next_id_++);
  injected_files_[transfer_id] =
      InjectedFile{id, request.data(), request.cancel_after_bytes()};
  v1::ServerFrame frame;
  v1::FileOffer& offer = *frame.mutable_file_offer();
  offer.set_transfer_id(transfer_id);
  offer.set_peer(request.from());
  offer.set_filename(request.filename());
  offer.set_size(request.declared_size() != 0 ? request.declared_size()
                                              : request.data().size());
  offer.set_misbehavior(request.misbehavior());
  Send(id, frame);
  return transfer_id;
}

void NetworkModel::HandleFileFrame(ConnectionId id, Session& session,
                                   const v1::ClientFrame& frame) {
  switch (frame.frame_case()) {
    case v1::ClientFrame::kOfferFile: {
      // The recipient accepts every offer at once.
      const v1::FileOffer& offer = frame.offer_file();
      client_files_[{id, offer.transfer_id()}] =
          ClientFile{offer.peer(), offer.filename(), ""};
      v1::ServerFrame accept;
      accept.mutable_file_accept()->set_transfer_id(offer.transfer_id());
      Send(id, accept);
      break;
    }
    case v1::ClientFrame::kAcceptFile:
      SendInjectedFile(id, frame.accept_file().transfer_id());
      break;
    case v1::ClientFrame::kFileData: {
      auto file = client_files_.find({id, frame.file_data().transfer_id()});
      if (file != client_files_.end()) {
        file->second.data += frame.file_data().data();
      }
      break;
    }
    case v1::ClientFrame::kFileEnd: {
      auto file = client_files_.find({id, frame.file_end().transfer_id()});
      if (file == client_files_.end()) break;
      v1::ClientFrame whole;
      v1::SentFile& sent = *whole.mutable_sent_file();
      sent.set_transfer_id(frame.file_end().transfer_id());
      sent.set_to(file->second.to);
      sent.set_filename(file->second.filename);
      sent.set_data(std::move(file->second.data));
      client_files_.erase(file);
      Record(session.account, std::move(whole));
      break;
    }
    case v1::ClientFrame::kCancelFile: {
      const std::string& transfer_id = frame.cancel_file().transfer_id();
      client_files_.erase({id, transfer_id});
      auto injected = injected_files_.find(transfer_id);
      if (injected != injected_files_.end() &&
          injected->second.connection == id) {
        injected_files_.erase(injected);
      }
      break;
    }
    default:
      break;
  }
}

void NetworkModel::SendInjectedFile(ConnectionId id,
                                    const std::string& transfer_id) {
  auto found = injected_files_.find(transfer_id);
  if (found == injected_files_.end() || found->second.connection != id) {
    return;
  }
  InjectedFile file = std::move(found->second);
  injected_files_.erase(found);
  const size_t total =
      file.cancel_after_bytes != 0
          ? std::min<size_t>(file.cancel_after_bytes, file.data.size())
          : file.data.size();
  for (size_t offset = 0; offset < total; offset += kChunkBytes) {
    v1::ServerFrame chunk;
    chunk.mutable_file_data()->set_transfer_id(transfer_id);
    chunk.mutable_file_data()->set_data(
        file.data.substr(offset, std::min(kChunkBytes, total - offset)));
    Send(id, chunk);
  }
  v1::ServerFrame last;
  if (file.cancel_after_bytes != 0) {
    last.mutable_file_cancel()->set_transfer_id(transfer_id);
    last.mutable_file_cancel()->set_reason("The sender cancelled");
  } else {
    last.mutable_file_end()->set_transfer_id(transfer_id);
  }
  Send(id, last);
}

void NetworkModel::ForgetFilesOf(ConnectionId id) {
  for (auto it = injected_files_.begin(); it != injected_files_.end();) {
    it = it->second.connection == id ? injected_files_.erase(it) : ++it;
  }
  for (auto it = client_files_.begin(); it != client_files_.end();) {
    it = it->first.first == id ? client_files_.erase(it) : ++it;
  }
}

}  // namespace lilac::testing::fake
