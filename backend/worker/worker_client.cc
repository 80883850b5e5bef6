#include "backend/worker/worker_client.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace lilac::worker {
namespace {

// The worker has 15 s to log out after the channel closes; a little more
// here before it is killed.
constexpr absl::Duration kStopBound = absl::Seconds(20);
// From the channel's end to the process's.
constexpr absl::Duration kReapBound = absl::Seconds(5);

std::string MethodOf(const google::protobuf::Message& request) {
  std::string name = request.GetDescriptor()->name();
  if (absl::EndsWith(name, "Request")) name.resize(name.size() - 7);
  return name;
}

absl::Status StatusOf(const Reply& reply) {
  return absl::Status(static_cast<absl::StatusCode>(reply.code()),
                      reply.message());
}

// The descriptor a file call's reply carries, or why there is none; closes
// it when the call failed anyway.
absl::StatusOr<int> DescriptorOf(const absl::Status& ended, const Reply& reply,
                                 int fd) {
  if (!ended.ok()) return ended;
  if (reply.code() != 0) {
    if (fd >= 0) close(fd);
    return StatusOf(reply);
  }
  if (fd < 0) return absl::DataLossError("a worker sent no file descriptor");
  return fd;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerClient>> WorkerClient::Start(
    Options options, EventSink* sink) {
  absl::StatusOr<std::unique_ptr<WorkerProcessHandle>> process =
      WorkerProcessHandle::Spawn(options.program, options.args);
  if (!process.ok()) return process.status();
  const int fd = (*process)->TakeChannelFd();
  // Bounded start: a worker stuck before answering is killed.
  const timeval limit = absl::ToTimeval(options.start_timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  auto channel = std::make_shared<FrameChannel>(fd);

  ToWorker start_message;
  lilac::worker::Start* start = start_message.mutable_start();
  for (const std::string& dir : options.host.plugin_dirs) {
    start->add_plugin_dirs(dir);
  }
  for (const std::string& plugin : options.host.load_plugins) {
    start->add_load_plugins(plugin);
  }
  start->set_purple_debug(options.host.purple_debug);
  start->set_plugin_state_dir(options.host.plugin_state_dir);
  start->set_spool_dir(options.host.spool_dir);
  start->set_max_file_size(options.host.max_file_size);
  start->set_name(options.name);
  start->set_memory_limit(options.memory_limit);

  const std::string name = options.name;
  auto failed = [&](const std::string& why) {
    const std::string ended = (*process)->Reap(absl::Seconds(1));
    return absl::UnavailableError(
        absl::StrCat(name, " did not start: ", why, " (it ", ended, ")"));
  };
  if (absl::Status sent = channel->Write(start_message); !sent.ok()) {
    return failed(std::string(sent.message()));
  }
  absl::StatusOr<FrameChannel::Frame> first = channel->Read();
  FromWorker started;
  if (!first.ok()) return failed(std::string(first.status().message()));
  if (!started.ParseFromString(first->bytes) || !started.has_started()) {
    return failed("its first frame was not Started");
  }
  if (started.started().code() != 0) {
    const absl::Status why(
        static_cast<absl::StatusCode>(started.started().code()),
        started.started().message());
    (*process)->Reap(absl::Seconds(5));
    return why;
  }
  const timeval none{0, 0};
  setsockopt(channel->fd(), SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));

  std::unique_ptr<WorkerClient> client(
      new WorkerClient(std::move(options), sink, *std::move(process)));
  client->channel_ = std::move(channel);
  client->reader_ = std::thread([raw = client.get()] { raw->ReadLoop(); });
  client->heartbeat_ =
      std::thread([raw = client.get()] { raw->HeartbeatLoop(); });
  return client;
}

WorkerClient::WorkerClient(Options options, EventSink* sink,
                           std::unique_ptr<WorkerProcessHandle> process)
    : options_(std::move(options)), sink_(sink), process_(std::move(process)) {}

WorkerClient::~WorkerClient() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  // The worker reads to the end, logs out and exits; the reader then reaps
  // it. One that does not close its end in time is killed.
  channel_->ShutdownWrite();
  heartbeat_.join();
  bool read_all;
  {
    absl::MutexLock lock(&mutex_);
    read_all =
        mutex_.AwaitWithTimeout(absl::Condition(&read_ended_), kStopBound);
  }
  if (!read_all) process_->Signal(SIGKILL);
  reader_.join();
}

bool WorkerClient::alive() const {
  absl::MutexLock lock(&mutex_);
  return ended_.ok();
}

void WorkerClient::Send(const std::string& method,
                        const google::protobuf::Message& request,
                        ReplyHandler handler, uint64_t upload) {
  ToWorker message;
  Call* call = message.mutable_call();
  call->set_method(method);
  call->set_upload(upload);
  request.SerializeToString(call->mutable_request());
  absl::Status ended;
  {
    absl::MutexLock lock(&mutex_);
    ended = ended_;
    if (ended.ok()) {
      const uint64_t id = next_id_++;
      call->set_id(id);
      pending_[id] = std::move(handler);
    }
  }
  if (!ended.ok()) {
    // Ended already: fail now, outside the lock.
    handler(ended, Reply(), -1);
    return;
  }
  // A failed write means the worker is gone: the reader fails the call.
  channel_->Write(message).IgnoreError();
}

template <typename Response>
void WorkerClient::Forward(const google::protobuf::Message& request,
                           Done<Response> done, uint64_t upload) {
  Send(
      MethodOf(request), request,
      [done = std::move(done)](const absl::Status& ended, const Reply& reply,
                               int fd) mutable {
        if (fd >= 0) close(fd);
        if (!ended.ok()) return done(ended);
        if (reply.code() != 0) return done(StatusOf(reply));
        Response response;
        if (!response.ParseFromString(reply.response())) {
          return done(absl::DataLossError("malformed reply from a worker"));
        }
        done(std::move(response));
      },
      upload);
}

void WorkerClient::ReadLoop() {
  while (true) {
    absl::StatusOr<FrameChannel::Frame> frame = channel_->Read();
    if (!frame.ok()) break;
    FromWorker message;
    if (!message.ParseFromString(frame->bytes)) {
      if (frame->fd >= 0) close(frame->fd);
      log::Error("workers", options_.name + " sent a malformed frame");
      process_->Signal(SIGKILL);
      break;
    }
    Dispatch(message, frame->fd);
  }
  channel_->Shutdown();
  bool stopping;
  std::string hang;
  {
    absl::MutexLock lock(&mutex_);
    read_ended_ = true;
    stopping = stopping_;
    hang = hang_;
  }
  // Its end is closed: it is exiting, or about to be killed.
  const std::string how = process_->Reap(kReapBound);
  std::string why;
  if (!hang.empty()) {
    why = absl::StrCat(options_.name, " (pid ", pid(), ") ", hang);
  } else if (stopping) {
    why = absl::StrCat(options_.name, " (pid ", pid(), ") was stopped");
  } else {
    why = absl::StrCat(options_.name, " (pid ", pid(), ") ", how);
  }
  if (!stopping) log::Error("workers", why);
  const absl::Status status = absl::UnavailableError(why);
  Ended(status);
  if (!stopping && options_.on_exit) options_.on_exit(status);
}

void WorkerClient::Dispatch(const FromWorker& message, int fd) {
  if (message.has_event() || message.has_session_opened() ||
      message.has_session_closed()) {
    // Sent from the worker's loop thread: it is not hung.
    absl::MutexLock lock(&mutex_);
    loop_seen_ = absl::Now();
  }
  switch (message.kind_case()) {
    case FromWorker::kReply: {
      ReplyHandler handler;
      {
        absl::MutexLock lock(&mutex_);
        auto it = pending_.find(message.reply().id());
        if (it != pending_.end()) {
          handler = std::move(it->second);
          pending_.erase(it);
        }
      }
      if (handler == nullptr) {
        if (fd >= 0) close(fd);
        return;
      }
      handler(absl::OkStatus(), message.reply(), fd);
      return;
    }
    case FromWorker::kSessionOpened: {
      v1::Session session;
      session.ParseFromString(message.session_opened().session());
      if (absl::Status opened = sink_->OpenSession(session); !opened.ok()) {
        log::Error("workers",
                   absl::StrCat(options_.name, ": session ", session.session(),
                                ": ", opened.message()));
      }
      break;
    }
    case FromWorker::kEvent: {
      v1::Event event;
      event.ParseFromString(message.event().event());
      sink_->Emit(message.event().session(), std::move(event));
      break;
    }
    case FromWorker::kSessionClosed:
      sink_->CloseSession(message.session_closed().session());
      break;
    case FromWorker::kPong: {
      absl::MutexLock lock(&mutex_);
      if (message.pong() == unanswered_ping_) unanswered_ping_ = 0;
      break;
    }
    case FromWorker::kStarted:
    case FromWorker::KIND_NOT_SET:
      break;
  }
  if (fd >= 0) close(fd);
}

void WorkerClient::HeartbeatLoop() {
  uint64_t next_ping = 1;
  absl::MutexLock lock(&mutex_);
  while (true) {
    const auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return stopping_ || !ended_.ok();
    };
    mutex_.AwaitWithTimeout(absl::Condition(&done),
                            options_.heartbeat_interval);
    if (done()) return;
    if (unanswered_ping_ != 0) {
      // A loop busy sending events is alive, even when its answer waits
      // behind them (a flood, or lilacd reading slowly).
      if (absl::Now() - std::max(ping_sent_, loop_seen_) <
          options_.heartbeat_timeout) {
        continue;
      }
      hang_ = absl::StrCat("did not answer a heartbeat within ",
                           absl::FormatDuration(options_.heartbeat_timeout),
                           " and was killed");
      process_->Signal(SIGKILL);
      return;
    }
    unanswered_ping_ = next_ping++;
    ping_sent_ = absl::Now();
    ToWorker ping;
    ping.mutable_ping()->set_id(unanswered_ping_);
    mutex_.Unlock();
    channel_->Write(ping).IgnoreError();
    mutex_.Lock();
  }
}

void WorkerClient::Ended(const absl::Status& why) {
  std::map<uint64_t, ReplyHandler> pending;
  {
    absl::MutexLock lock(&mutex_);
    ended_ = why;
    pending.swap(pending_);
  }
  const absl::Status in_flight = absl::UnavailableError(
      absl::StrCat(why.message(), "; the call was in flight"));
  for (auto& [id, handler] : pending) handler(in_flight, Reply(), -1);
}

#define LILAC_FORWARD(Method)                                   \
  void WorkerClient::Method(const v1::Method##Request& request, \
                            Done<v1::Method##Response> done) {  \
    Forward(request, std::move(done));                          \
  }

LILAC_HOST_COMMANDS(LILAC_FORWARD)

#undef LILAC_FORWARD

void WorkerClient::OpenFetchedFile(const v1::FetchFileRequest& request,
                                   Done<SpooledFile> done) {
  Send("OpenFetchedFile", request,
       [done = std::move(done)](const absl::Status& ended, const Reply& reply,
                                int fd) mutable {
         absl::StatusOr<int> descriptor = DescriptorOf(ended, reply, fd);
         if (!descriptor.ok()) return done(descriptor.status());
         SpooledFile file;
         file.fd = *descriptor;
         file.filename = reply.filename();
         file.mime_type = reply.mime_type();
         file.size = reply.size();
         done(std::move(file));
       });
}

void WorkerClient::ForgetFetchedFile(const v1::FetchFileRequest& request,
                                     absl::AnyInvocable<void()> done) {
  Send("ForgetFetchedFile", request,
       [done = std::move(done)](const absl::Status&, const Reply&,
                                int fd) mutable {
         if (fd >= 0) close(fd);
         done();
       });
}

void WorkerClient::StartUpload(const v1::SendFileRequest& header,
                               Done<std::unique_ptr<PartialUpload>> done) {
  std::weak_ptr<FrameChannel> channel = channel_;
  Send("StartUpload", header,
       [done = std::move(done), channel](const absl::Status& ended,
                                         const Reply& reply, int fd) mutable {
         absl::StatusOr<int> descriptor = DescriptorOf(ended, reply, fd);
         if (!descriptor.ok()) return done(descriptor.status());
         const uint64_t id = reply.id();
         // Abandoned (the client went away): the worker drops its file.
         done(PartialUpload::Shared(*descriptor, id, [channel, id] {
           std::shared_ptr<FrameChannel> open = channel.lock();
           if (open == nullptr) return;
           ToWorker forget;
           forget.mutable_call()->set_method("ForgetUpload");
           forget.mutable_call()->set_upload(id);
           open->Write(forget).IgnoreError();
         }));
       });
}

void WorkerClient::SendFile(const v1::SendFileRequest& header,
                            std::unique_ptr<PartialUpload> upload,
                            Done<v1::SendFileResponse> done) {
  if (upload == nullptr || upload->shared_id() == 0) {
    return done(absl::InternalError("the file was not staged by this worker"));
  }
  if (absl::Status closed = upload->Close(); !closed.ok()) {
    return done(closed);
  }
  const uint64_t id = upload->shared_id();
  upload->HandOver();
  Forward(header, std::move(done), id);
}

void WorkerClient::HoldNetwork(bool hold) {
  ToWorker message;
  message.set_hold_network(hold);
  channel_->Write(message).IgnoreError();
}

}  // namespace lilac::worker
