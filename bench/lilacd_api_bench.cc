// lilacd's API under load: event-stream delivery to one client (live, and
// replayed from the session's buffer) and SendMessage call rate and latency
// from 1 and 16 concurrent clients.
//
//   ./bazelw run //bench:lilacd_api_bench -- --messages=20000 --calls=20000
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_environment.h"
#include "bench/process_stats.h"
#include "grpcpp/create_channel.h"

ABSL_FLAG(int, messages, 20000,
          "Messages injected through the fake network for the stream test.");
ABSL_FLAG(int, inject_threads, 4, "Threads injecting messages.");
ABSL_FLAG(int, calls, 20000, "SendMessage calls per client-count run.");
ABSL_FLAG(std::vector<std::string>, clients,
          (std::vector<std::string>{"1", "16"}),
          "Concurrent SendMessage clients to try, comma-separated.");

namespace lilac::bench {
namespace {

void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::exit(1);
}

// Each client gets its own connection: distinct channel arguments keep gRPC
// from sharing one subchannel.
std::unique_ptr<v1::LilacService::Stub> NewClient(const std::string& address,
                                                  int i) {
  grpc::ChannelArguments arguments;
  arguments.SetInt("lilac.bench.client", i);
  return v1::LilacService::NewStub(grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), arguments));
}

// Injects `count` messages to alice from `threads` senders (bob0, bob1...),
// each sender's messages in order.
void Inject(BenchEnvironment& env, int count, int threads) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&env, count, threads, t] {
      for (int i = t; i < count; i += threads) {
        fake::v1::InjectMessageRequest request;
        request.set_account("alice");
        request.mutable_message()->set_from(absl::StrCat("bob", t));
        request.mutable_message()->set_text(absl::StrCat("message ", i));
        fake::v1::InjectMessageResponse response;
        grpc::Status status =
            env.control->InjectMessage(CallContext().get(), request, &response);
        if (!status.ok()) Fail("InjectMessage: " + status.error_message());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
}

void StreamDelivery(BenchEnvironment& env) {
  const int messages = absl::GetFlag(FLAGS_messages);
  std::shared_ptr<grpc::Channel> channel = env.lilacd->NewChannel();

  absl::Mutex mutex;
  int received = 0;
  uint64_t last_sequence = 0;
  v1::StreamEventsRequest follow;
  follow.add_sessions()->set_session("alice");
  absl::Time start;
  absl::Duration injected;
  {
    EventReader reader(channel, follow, [&](const v1::Event& event) {
      absl::MutexLock lock(&mutex);
      last_sequence = event.sequence();
      if (event.has_message_received()) ++received;
    });
    start = absl::Now();
    Inject(env, messages, absl::GetFlag(FLAGS_inject_threads));
    injected = absl::Now() - start;
    absl::MutexLock lock(&mutex);
    auto all = [&] { return received >= messages; };
    if (!mutex.AwaitWithTimeout(absl::Condition(&all), absl::Minutes(5))) {
      Fail(absl::StrCat("only ", received, " of ", messages, " arrived"));
    }
  }
  const absl::Duration live = absl::Now() - start;
  std::printf(
      "stream, live: %d messages injected in %.2f s, all received "
      "after %.2f s: %.0f events/s end to end\n",
      messages, absl::ToDoubleSeconds(injected), absl::ToDoubleSeconds(live),
      messages / absl::ToDoubleSeconds(live));

  // The same events again, replayed from the session's buffer as fast as the
  // client reads.
  uint64_t total;
  {
    absl::MutexLock lock(&mutex);
    total = last_sequence;
    last_sequence = 0;
  }
  int replayed = 0;
  v1::StreamEventsRequest from_start;
  from_start.add_sessions()->set_session("alice");
  start = absl::Now();
  {
    EventReader reader(channel, from_start, [&](const v1::Event& event) {
      absl::MutexLock lock(&mutex);
      ++replayed;
      last_sequence = event.sequence();
    });
    absl::MutexLock lock(&mutex);
    auto all = [&] { return last_sequence >= total; };
    mutex.AwaitWithTimeout(absl::Condition(&all), absl::Minutes(5));
  }
  const absl::Duration replay = absl::Now() - start;
  std::printf("stream, replay: %d buffered events in %.2f s: %.0f events/s\n",
              replayed, absl::ToDoubleSeconds(replay),
              replayed / absl::ToDoubleSeconds(replay));
}

void SendMessageCalls(BenchEnvironment& env, int clients) {
  const int calls = absl::GetFlag(FLAGS_calls);
  std::vector<std::vector<absl::Duration>> latencies(clients);
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  std::vector<std::unique_ptr<v1::LilacService::Stub>> stubs;
  for (int c = 0; c < clients; ++c) {
    stubs.push_back(NewClient(env.lilacd->address(), c));
  }
  const absl::Time start = absl::Now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      v1::SendMessageRequest request;
      request.set_session("alice");
      request.set_to(absl::StrCat("carol", c));
      for (int i = c; i < calls; i += clients) {
        request.set_text(absl::StrCat("hello ", i));
        request.set_client_message_id(absl::StrCat(i));
        v1::SendMessageResponse response;
        const absl::Time sent = absl::Now();
        grpc::Status status =
            stubs[c]->SendMessage(CallContext().get(), request, &response);
        latencies[c].push_back(absl::Now() - sent);
        if (!status.ok() || !response.accepted()) ++errors;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const absl::Duration elapsed = absl::Now() - start;
  std::vector<absl::Duration> all;
  for (auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::printf(
      "SendMessage, %2d clients: %d calls in %.2f s: %.0f calls/s; latency "
      "p50 %.0f us, p99 %.0f us, max %.0f us; %d failed\n",
      clients, calls, absl::ToDoubleSeconds(elapsed),
      calls / absl::ToDoubleSeconds(elapsed),
      absl::ToDoubleMicroseconds(Quantile(all, 0.5)),
      absl::ToDoubleMicroseconds(Quantile(all, 0.99)),
      absl::ToDoubleMicroseconds(Quantile(all, 1.0)), errors.load());
}

int Run() {
  const int messages = absl::GetFlag(FLAGS_messages);
  // Big enough to keep every event of the stream test for the replay.
  absl::StatusOr<std::unique_ptr<BenchEnvironment>> started =
      BenchEnvironment::Start(
          {absl::StrCat("--events_per_session=", messages + 1000)});
  if (!started.ok()) Fail(started.status().ToString());
  BenchEnvironment& env = **started;

  if (absl::Status created = env.CreateAccount("alice"); !created.ok()) {
    Fail(created.ToString());
  }
  std::shared_ptr<grpc::Channel> channel = env.lilacd->NewChannel();
  std::unique_ptr<v1::LilacService::Stub> stub =
      v1::LilacService::NewStub(channel);
  {
    v1::LoginResponse response;
    grpc::Status status = stub->Login(
        CallContext().get(), env.LoginRequestFor("alice", "alice"), &response);
    if (!status.ok()) Fail("Login: " + status.error_message());
    absl::Mutex mutex;
    bool connected = false;
    v1::StreamEventsRequest follow;
    follow.add_sessions()->set_session("alice");
    EventReader reader(channel, follow, [&](const v1::Event& event) {
      absl::MutexLock lock(&mutex);
      if (event.connection_changed().state() ==
          v1::CONNECTION_STATE_CONNECTED) {
        connected = true;
      }
    });
    absl::MutexLock lock(&mutex);
    if (!mutex.AwaitWithTimeout(absl::Condition(&connected),
                                absl::Seconds(30))) {
      Fail("alice did not connect");
    }
  }

  StreamDelivery(env);
  for (const std::string& text : absl::GetFlag(FLAGS_clients)) {
    int clients;
    if (!absl::SimpleAtoi(text, &clients) || clients < 1) Fail("bad --clients");
    SendMessageCalls(env, clients);
  }
  std::printf("lilacd CPU total %.2f s, VmRSS %lld KiB\n",
              absl::ToDoubleSeconds(CpuTime(env.lilacd->pid())),
              static_cast<long long>(ResidentKib(env.lilacd->pid())));
  return 0;
}

}  // namespace
}  // namespace lilac::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return lilac::bench::Run();
}
