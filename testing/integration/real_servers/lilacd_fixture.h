#ifndef LILAC_TESTING_INTEGRATION_REAL_SERVERS_LILACD_FIXTURE_H_
#define LILAC_TESTING_INTEGRATION_REAL_SERVERS_LILACD_FIXTURE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "lilac/v1/lilac.grpc.pb.h"
#include "testing/lilacd/lilac_client.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::testing {

// A real lilacd process with libpurple's own protocol plugins, and a gRPC
// client of it that records every session's events. The base of the per-server
// fixtures (ProsodyTest, NgircdTest): everything here is protocol-neutral.
class LilacdTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Flags for lilacd beyond the defaults.
  virtual std::vector<std::string> LilacdFlags() const { return {}; }

  // Calls lilacd with a deadline; returns the status and fills `response`.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::LilacService::Stub::*method)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    auto context = LilacClient::Context();
    return ((client_->stub()).*method)(context.get(), request, response);
  }

  // Logs `username` in as `session`; returns the call's status and response.
  absl::StatusOr<v1::LoginResponse> Login(
      const std::string& session, const std::string& protocol,
      const std::string& username, const std::string& password,
      const std::map<std::string, std::string>& settings);

  // The protocol `id` as ListProtocols describes it; fails the test if absent.
  v1::Protocol DescribeProtocol(const std::string& id);

  // Waits for the next event of `session` that is a `kind` and satisfies
  // `predicate` (if given). Waits move forward per session: the next wait for
  // `session` starts after the event returned, whatever other sessions' events
  // were waited for in between (two sessions' events interleave on a real
  // network in no fixed order).
  absl::StatusOr<v1::Event> Next(
      const std::string& session, v1::Event::KindCase kind,
      std::function<bool(const v1::Event&)> predicate = nullptr);
  // Next() for a connection change to `state`.
  absl::StatusOr<v1::Event> NextConnection(const std::string& session,
                                           v1::ConnectionState state);

  // Sends a one-to-one message; fails the test if the call fails.
  v1::SendMessageResponse SendIm(const std::string& session,
                                 const std::string& to, const std::string& text,
                                 const std::string& html = "");

  // Joins `room` with `nickname` and `fields`; fails the test if the call
  // fails. The outcome arrives as events.
  void JoinChat(const std::string& session, const std::string& room,
                const std::string& nickname,
                const std::map<std::string, std::string>& fields = {});

  // Sends a message to a room; fails the test if the call fails.
  v1::SendChatMessageResponse SendToRoom(const std::string& session,
                                         const std::string& room,
                                         const std::string& text);

  // Logs `session` out and waits for SessionEnded.
  void Logout(const std::string& session);

  std::unique_ptr<LilacdProcess> lilacd_;
  // Per session, the sequence of the last event Next() returned.
  std::map<std::string, uint64_t> cursor_;
  std::unique_ptr<LilacClient> client_;
};

}  // namespace lilac::testing

#endif  // LILAC_TESTING_INTEGRATION_REAL_SERVERS_LILACD_FIXTURE_H_
