// A real worker process (lilacd --worker_channel_fd) with the fake plugin,
// driven through WorkerClient: calls, events, a crash, a hang, a stop.
#include "backend/worker/worker_client.h"

#include <signal.h>
#include <sys/resource.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac::worker {
namespace {

using ::lilac::testing::RunfilePath;
using ::testing::HasSubstr;

constexpr absl::Duration kWait = absl::Seconds(30);

// AddressSanitizer catches SIGSEGV itself, reports, then exits with 1.
#if defined(__SANITIZE_ADDRESS__)
constexpr char kSegfaultEnd[] = "exited with status 1";
#else
constexpr char kSegfaultEnd[] = "killed by signal 11 (Segmentation fault)";
#endif

// What the worker's sessions did, in order.
class RecordingSink : public EventSink {
 public:
  absl::Status OpenSession(const v1::Session& session) override {
    absl::MutexLock lock(&mutex_);
    log_.push_back("open " + session.session());
    return absl::OkStatus();
  }
  void Emit(const std::string& session, v1::Event event) override {
    absl::MutexLock lock(&mutex_);
    if (event.has_connection_changed()) {
      log_.push_back(
          session + " " +
          v1::ConnectionState_Name(event.connection_changed().state()));
    }
  }
  void CloseSession(const std::string& session) override {
    absl::MutexLock lock(&mutex_);
    log_.push_back("close " + session);
  }

  // Waits (bounded) until `line` was recorded.
  bool WaitFor(const std::string& line) {
    absl::MutexLock lock(&mutex_);
    const auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      for (const std::string& entry : log_) {
        if (entry == line) return true;
      }
      return false;
    };
    return mutex_.AwaitWithTimeout(absl::Condition(&seen), kWait);
  }
  std::vector<std::string> Log() {
    absl::MutexLock lock(&mutex_);
    return log_;
  }

 private:
  absl::Mutex mutex_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(mutex_);
};

// Completes a HostCommands call synchronously, with a bound.
template <typename Response>
class Result {
 public:
  HostCommands::Done<Response> Done() {
    return [this](absl::StatusOr<Response> result) {
      result_ = std::move(result);
      done_.Notify();
    };
  }
  absl::StatusOr<Response> Get() {
    if (!done_.WaitForNotificationWithTimeout(kWait)) {
      return absl::DeadlineExceededError("the call never completed");
    }
    return result_;
  }

 private:
  absl::Notification done_;
  absl::StatusOr<Response> result_ = absl::UnknownError("unset");
};

class WorkerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::fake::FakeServer>> network =
        testing::fake::FakeServer::Start({});
    ASSERT_TRUE(network.ok()) << network.status();
    network_ = *std::move(network);
  }

  WorkerClient::Options Options() {
    WorkerClient::Options options;
    options.program = RunfilePath("backend/server/lilacd");
    options.name = "worker 1";
    options.host.plugin_dirs = {RunfilePath("testing/fake_prpl")};
    options.on_exit = [this](const absl::Status& why) {
      exit_status_ = why;
      exited_.Notify();
    };
    return options;
  }

  void StartWorker(WorkerClient::Options options) {
    absl::StatusOr<std::unique_ptr<WorkerClient>> worker =
        WorkerClient::Start(std::move(options), &sink_);
    ASSERT_TRUE(worker.ok()) << worker.status();
    worker_ = *std::move(worker);
  }

  void LoginConnected(const std::string& session, const std::string& user) {
    testing::fake::v1::CreateAccountRequest account;
    account.set_username(user);
    account.set_password("secret");
    testing::fake::v1::CreateAccountResponse created;
    grpc::ClientContext context;
    ASSERT_TRUE(network_->NewControlStub()
                    ->CreateAccount(&context, account, &created)
                    .ok());
    v1::LoginRequest request;
    request.set_session(session);
    request.set_protocol("prpl-fake");
    request.set_username(user);
    request.set_password("secret");
    (*request.mutable_settings())["server"] = network_->network_host();
    (*request.mutable_settings())["port"] =
        std::to_string(network_->network_port());
    Result<v1::LoginResponse> login;
    worker_->Login(request, login.Done());
    ASSERT_TRUE(login.Get().ok()) << login.Get().status();
    ASSERT_TRUE(sink_.WaitFor(session + " CONNECTION_STATE_CONNECTED"))
        << ::testing::PrintToString(sink_.Log());
  }

  absl::StatusOr<v1::GetCapabilitiesResponse> Capabilities(
      const std::string& session) {
    v1::GetCapabilitiesRequest request;
    request.set_session(session);
    Result<v1::GetCapabilitiesResponse> result;
    worker_->GetCapabilities(request, result.Done());
    return result.Get();
  }

  void Misbehave(const std::string& user,
                 testing::fake::v1::Misbehave::Kind kind) {
    testing::fake::v1::MisbehaveRequest request;
    request.set_account(user);
    request.set_kind(kind);
    testing::fake::v1::MisbehaveResponse told;
    grpc::ClientContext context;
    ASSERT_TRUE(
        network_->NewControlStub()->Misbehave(&context, request, &told).ok());
    ASSERT_EQ(told.connections(), 1);
  }

  // Waits for the worker's unasked end; returns why.
  std::string ExitReason() {
    EXPECT_TRUE(exited_.WaitForNotificationWithTimeout(kWait));
    EXPECT_FALSE(worker_->alive());
    return std::string(exit_status_.message());
  }

  std::unique_ptr<testing::fake::FakeServer> network_;
  RecordingSink sink_;
  std::unique_ptr<WorkerClient> worker_;
  absl::Notification exited_;
  absl::Status exit_status_;
};

TEST_F(WorkerClientTest, ListsTheWorkersProtocols) {
  StartWorker(Options());
  Result<v1::ListProtocolsResponse> result;
  worker_->ListProtocols({}, result.Done());
  absl::StatusOr<v1::ListProtocolsResponse> protocols = result.Get();
  ASSERT_TRUE(protocols.ok()) << protocols.status();
  std::vector<std::string> ids;
  for (const v1::Protocol& protocol : protocols->protocols()) {
    ids.push_back(protocol.id());
  }
  EXPECT_THAT(ids, ::testing::Contains("prpl-fake"));
  EXPECT_NE(worker_->pid(), getpid());
}

TEST_F(WorkerClientTest, SessionEventsArriveInOrderAndStopLogsOut) {
  StartWorker(Options());
  LoginConnected("s1", "alice");
  ASSERT_TRUE(Capabilities("s1").ok());
  // The worker's errors come back as they are.
  EXPECT_EQ(Capabilities("nobody").status().code(),
            absl::StatusCode::kNotFound);
  const pid_t pid = worker_->pid();
  worker_.reset();
  EXPECT_FALSE(exited_.HasBeenNotified());  // asked to stop: no on_exit
  std::vector<std::string> log = sink_.Log();
  // Opened, connecting (a step or more), connected, then closed by the stop.
  ASSERT_GE(log.size(), 4u) << ::testing::PrintToString(log);
  EXPECT_EQ(log.front(), "open s1");
  EXPECT_EQ(log[1], "s1 CONNECTION_STATE_CONNECTING");
  EXPECT_EQ(log[log.size() - 2], "s1 CONNECTION_STATE_CONNECTED");
  EXPECT_EQ(log.back(), "close s1");
  EXPECT_EQ(kill(pid, 0), -1);  // reaped
}

TEST_F(WorkerClientTest, KilledWorkerFailsTheCallsInFlightAndLaterOnes) {
  WorkerClient::Options options = Options();
  options.heartbeat_timeout = absl::Minutes(5);  // this is not a hang
  StartWorker(std::move(options));
  LoginConnected("s1", "alice");
  // Stopped, so the call below is surely in flight when the signal lands.
  ASSERT_EQ(kill(worker_->pid(), SIGSTOP), 0);
  v1::GetCapabilitiesRequest request;
  request.set_session("s1");
  Result<v1::GetCapabilitiesResponse> in_flight;
  worker_->GetCapabilities(request, in_flight.Done());
  // SIGKILL, as the OOM killer sends: a stopped process dies without running
  // again (AddressSanitizer would answer a SIGSEGV while other threads run on).
  ASSERT_EQ(kill(worker_->pid(), SIGKILL), 0);

  absl::StatusOr<v1::GetCapabilitiesResponse> failed = in_flight.Get();
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(),
              HasSubstr("killed by signal 9 (Killed)"));
  EXPECT_THAT(failed.status().message(), HasSubstr("in flight"));
  ASSERT_TRUE(exited_.WaitForNotificationWithTimeout(kWait));
  EXPECT_EQ(exit_status_.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(exit_status_.message(), HasSubstr("worker 1"));
  EXPECT_THAT(exit_status_.message(), HasSubstr("killed by signal 9 (Killed)"));
  EXPECT_FALSE(worker_->alive());

  absl::StatusOr<v1::GetCapabilitiesResponse> later = Capabilities("s1");
  EXPECT_EQ(later.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(later.status().message(),
              HasSubstr("killed by signal 9 (Killed)"));
}

TEST_F(WorkerClientTest, HungWorkerIsKilled) {
  WorkerClient::Options options = Options();
  options.heartbeat_interval = absl::Milliseconds(100);
  options.heartbeat_timeout = absl::Seconds(1);
  StartWorker(std::move(options));
  ASSERT_EQ(kill(worker_->pid(), SIGSTOP), 0);
  ASSERT_TRUE(exited_.WaitForNotificationWithTimeout(kWait));
  EXPECT_THAT(exit_status_.message(),
              HasSubstr("did not answer a heartbeat within 1s"));
  EXPECT_FALSE(worker_->alive());
  EXPECT_EQ(Capabilities("s1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(WorkerClientTest, PluginSegfaultEndsTheWorker) {
  StartWorker(Options());
  LoginConnected("s1", "alice");
  Misbehave("alice", testing::fake::v1::Misbehave::KIND_SEGFAULT);
  EXPECT_THAT(ExitReason(), HasSubstr(kSegfaultEnd));
}

TEST_F(WorkerClientTest, PluginAbortEndsTheWorker) {
  StartWorker(Options());
  LoginConnected("s1", "alice");
  Misbehave("alice", testing::fake::v1::Misbehave::KIND_ABORT);
  EXPECT_THAT(ExitReason(), HasSubstr("Aborted"));
}

TEST_F(WorkerClientTest, PluginHangIsCaughtByTheHeartbeat) {
  WorkerClient::Options options = Options();
  options.heartbeat_interval = absl::Milliseconds(100);
  options.heartbeat_timeout = absl::Seconds(2);
  StartWorker(std::move(options));
  LoginConnected("s1", "alice");
  Misbehave("alice", testing::fake::v1::Misbehave::KIND_HANG);
  EXPECT_THAT(ExitReason(), HasSubstr("did not answer a heartbeat within 2s"));
}

TEST_F(WorkerClientTest, PluginExhaustingMemoryEndsOnlyTheWorker) {
  StartWorker(Options());
  LoginConnected("s1", "alice");
  // The worker's own limit stands in for the OOM killer.
  const rlimit limit{512 << 20, 512 << 20};
  ASSERT_EQ(prlimit(worker_->pid(), RLIMIT_DATA, &limit, nullptr), 0);
  Misbehave("alice", testing::fake::v1::Misbehave::KIND_ALLOCATE);
  EXPECT_THAT(ExitReason(), HasSubstr("worker 1"));
}

TEST_F(WorkerClientTest, WorkerThatCannotStartSaysWhy) {
  WorkerClient::Options options = Options();
  options.host.load_plugins = {"no-such-plugin"};
  absl::StatusOr<std::unique_ptr<WorkerClient>> worker =
      WorkerClient::Start(std::move(options), &sink_);
  ASSERT_FALSE(worker.ok());
  EXPECT_THAT(worker.status().message(), HasSubstr("no-such-plugin"));
}

TEST_F(WorkerClientTest, MissingProgramIsAClearError) {
  WorkerClient::Options options = Options();
  options.program = "/nonexistent/lilacd";
  absl::StatusOr<std::unique_ptr<WorkerClient>> worker =
      WorkerClient::Start(std::move(options), &sink_);
  ASSERT_FALSE(worker.ok());
  EXPECT_THAT(worker.status().message(), HasSubstr("/nonexistent/lilacd"));
}

}  // namespace
}  // namespace lilac::worker
