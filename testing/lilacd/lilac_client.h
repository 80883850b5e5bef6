#ifndef LILAC_TESTING_LILACD_LILAC_CLIENT_H_
#define LILAC_TESTING_LILACD_LILAC_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "lilac/v1/lilac.grpc.pb.h"

namespace lilac::testing {

// A test's gRPC client of lilacd: the stub, plus a background reader of
// StreamEvents (every session) that records events so tests can wait for them.
class LilacClient {
 public:
  explicit LilacClient(std::shared_ptr<grpc::Channel> channel);
  ~LilacClient();

  v1::LilacService::Stub& stub() { return *stub_; }

  // Waits until an event after the last one matched satisfies `predicate`;
  // later waits start after it, so a test can expect events in order. Fails
  // after `timeout`.
  absl::StatusOr<v1::Event> WaitFor(
      std::function<bool(const v1::Event&)> predicate,
      absl::Duration timeout = absl::Seconds(20));
  // Every event recorded so far.
  std::vector<v1::Event> Events() const;

  // A context whose deadline keeps unary calls from hanging a test.
  static std::unique_ptr<grpc::ClientContext> Context(
      absl::Duration timeout = absl::Seconds(20));

 private:
  void ReadEvents();
  bool HasUnseenEvents() const ABSL_SHARED_LOCKS_REQUIRED(mutex_);

  std::unique_ptr<v1::LilacService::Stub> stub_;
  grpc::ClientContext stream_context_;
  std::thread reader_;

  mutable absl::Mutex mutex_;
  std::vector<v1::Event> events_ ABSL_GUARDED_BY(mutex_);
  size_t next_ ABSL_GUARDED_BY(mutex_) = 0;
  bool stream_ended_ ABSL_GUARDED_BY(mutex_) = false;
  size_t seen_ ABSL_GUARDED_BY(mutex_) =
      0;  // events a waiter has already scanned
};

// Reads the next event of a StreamEvents stream, skipping StreamOpened and
// heartbeats; false when the stream ended.
bool ReadEvent(grpc::ClientReaderInterface<v1::StreamEventsResponse>& reader,
               v1::Event* event);

// Predicates for WaitFor.
std::function<bool(const v1::Event&)> ConnectionIs(const std::string& session,
                                                   v1::ConnectionState state);
std::function<bool(const v1::Event&)> EventOf(const std::string& session,
                                              v1::Event::KindCase kind);

}  // namespace lilac::testing

#endif  // LILAC_TESTING_LILACD_LILAC_CLIENT_H_
