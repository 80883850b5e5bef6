#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_TEST_SUPPORT_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_TEST_SUPPORT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "backend/host/purple_host.h"
#include "gtest/gtest.h"
#include "purple.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"

namespace lilac::testing::fake {

// Directory of libfake.so and libfakefacebook.so in the test's runfiles.
std::string PluginDir();

// The process-wide host (libpurple is process-wide) with the fake plugins
// loaded and the recording UI ops of EventLog installed.
PurpleHost& Host();

// Something libpurple told the host: a signal or a UI op, flattened.
struct PurpleEvent {
  // The signal name ("signed-on", "received-im-msg", ...) or the UI op
  // ("request-input", "request-action", "request-fields", "notify-message",
  // "notify-userinfo", "request-authorize").
  std::string type;
  std::string account;  // username of the account it concerns
  std::string who;      // sender, buddy, room or title
  std::string text;     // message, description, topic, primary text
  int value = 0;        // connection error, message flags, request id...
};

// Every event recorded so far, in order; waits use it without sleeping.
class EventLog {
 public:
  // Index of the next event, for waits that must ignore earlier ones.
  size_t Mark();
  // The first event from `since` on that matches, waiting up to `timeout`.
  std::optional<PurpleEvent> WaitFor(
      const std::function<bool(const PurpleEvent&)>& matches, size_t since = 0,
      absl::Duration timeout = absl::Seconds(20));
  // Same, for an event of `type` about `account`.
  std::optional<PurpleEvent> WaitFor(
      const std::string& type, const std::string& account, size_t since = 0,
      absl::Duration timeout = absl::Seconds(20));
  std::vector<PurpleEvent> All();
  void Add(PurpleEvent event);

 private:
  absl::Mutex mutex_;
  std::vector<PurpleEvent> events_ ABSL_GUARDED_BY(mutex_);
};
EventLog& Events();

// Answers an open request of the host's request UI (value of its event).
void AnswerInput(int request_id, const std::string& text);
void AnswerAction(int request_id, int action);
// Sets the string/bool fields named in `values`, then presses OK.
void AnswerFields(
    int request_id,
    const std::vector<std::pair<std::string, std::string>>& values);
void CancelRequest(int request_id);
// Whether a request is still open in the UI.
bool RequestOpen(int request_id);

// Makes the conversation UI op has_focus answer TRUE for `name`.
void SetFocused(const OnLoop& loop, const std::string& name);

// A fake server per test, accounts on the shared host removed afterwards.
class FakeNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  v1::FakeNetworkControl::Stub& control() { return *control_; }
  FakeServer& server() { return *server_; }

  // Creates the account on the server.
  void CreateServerAccount(const std::string& username,
                           const std::string& password);
  // Creates and enables a libpurple account of `protocol_id` pointing at the
  // fake server (or at `port`); returns without waiting for the login.
  PurpleAccount* StartLogin(const std::string& protocol_id,
                            const std::string& username,
                            const std::string& password, int port = 0);
  // StartLogin, then waits for signed-on.
  PurpleAccount* SignOn(const std::string& protocol_id,
                        const std::string& username,
                        const std::string& password);
  // Waits for the server to record a frame of `kind` from `account`.
  v1::WaitForClientFrameResponse WaitForClientFrame(const std::string& account,
                                                    int kind,
                                                    int64_t after_sequence = 0);

  std::unique_ptr<FakeServer> server_;
  std::unique_ptr<v1::FakeNetworkControl::Stub> control_;
  std::vector<PurpleAccount*> accounts_;
};

// gRPC status as a gtest assertion.
::testing::AssertionResult Ok(const grpc::Status& status);

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_TEST_SUPPORT_H_
