// How many prpl-fake sessions one lilacd holds: time until N sessions are
// connected, resident memory per session, CPU while idle.
//
//   ./bazelw run //bench:lilacd_scale_bench -- --sessions=10000
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_environment.h"
#include "bench/process_stats.h"

ABSL_FLAG(int, sessions, 1000, "Sessions to log in.");
ABSL_FLAG(int, login_threads, 8, "Threads calling Login concurrently.");
ABSL_FLAG(int, idle_seconds, 10, "How long to measure idle CPU.");
ABSL_FLAG(int, settle_seconds, 10,
          "Wait after the last connection before measuring memory and CPU "
          "(libpurple saves accounts.xml 5 s after the last change).");
ABSL_FLAG(std::vector<std::string>, lilacd_flags, {},
          "Extra lilacd flags, comma-separated.");

namespace lilac::bench {
namespace {

int Run() {
  const int sessions = absl::GetFlag(FLAGS_sessions);
  const uint64_t files = RaiseOpenFileLimit();
  std::printf("open-file limit %llu (lilacd inherits it)\n",
              static_cast<unsigned long long>(files));

  absl::StatusOr<std::unique_ptr<BenchEnvironment>> started =
      BenchEnvironment::Start(absl::GetFlag(FLAGS_lilacd_flags));
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.status().ToString().c_str());
    return 1;
  }
  BenchEnvironment& env = **started;
  const int pid = env.lilacd->pid();
  std::shared_ptr<grpc::Channel> channel = env.lilacd->NewChannel();
  std::unique_ptr<v1::LilacService::Stub> stub =
      v1::LilacService::NewStub(channel);

  // The empty process, once the API has answered a call.
  {
    v1::ListProtocolsResponse protocols;
    stub->ListProtocols(CallContext().get(), {}, &protocols);
  }
  const int64_t empty_kib = ResidentKib(pid);

  for (int i = 0; i < sessions; ++i) {
    absl::Status created = env.CreateAccount(absl::StrCat("user", i));
    if (!created.ok()) {
      std::fprintf(stderr, "%s\n", created.ToString().c_str());
      return 1;
    }
  }

  absl::Mutex mutex;
  int connected = 0;
  int failed = 0;
  v1::StreamEventsRequest follow_all;
  follow_all.set_all_sessions(true);
  EventReader reader(channel, follow_all, [&](const v1::Event& event) {
    if (!event.has_connection_changed()) return;
    absl::MutexLock lock(&mutex);
    switch (event.connection_changed().state()) {
      case v1::CONNECTION_STATE_CONNECTED:
        ++connected;
        break;
      case v1::CONNECTION_STATE_DISCONNECTED:
        ++failed;
        break;
      default:
        break;
    }
  });

  const absl::Time start = absl::Now();
  const absl::Duration cpu_before_login = CpuTime(pid);
  std::atomic<int> next{0};
  std::atomic<int> login_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < absl::GetFlag(FLAGS_login_threads); ++t) {
    threads.emplace_back([&] {
      while (true) {
        const int i = next.fetch_add(1);
        if (i >= sessions) return;
        const std::string name = absl::StrCat("user", i);
        v1::LoginResponse response;
        grpc::Status status = stub->Login(
            CallContext().get(), env.LoginRequestFor(name, name), &response);
        if (!status.ok() && login_errors.fetch_add(1) < 5) {
          std::fprintf(stderr, "Login %s: %s\n", name.c_str(),
                       status.error_message().c_str());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const absl::Duration logins_sent = absl::Now() - start;
  {
    absl::MutexLock lock(&mutex);
    auto done = [&] {
      return connected + failed + login_errors.load() >= sessions;
    };
    mutex.AwaitWithTimeout(absl::Condition(&done), absl::Minutes(10));
  }
  const absl::Duration all_connected = absl::Now() - start;
  const absl::Duration login_cpu = CpuTime(pid) - cpu_before_login;
  int connected_count, failed_count;
  {
    absl::MutexLock lock(&mutex);
    connected_count = connected;
    failed_count = failed;
  }

  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_settle_seconds)));
  const int64_t loaded_kib = ResidentKib(pid);
  const absl::Duration idle = absl::Seconds(absl::GetFlag(FLAGS_idle_seconds));
  const absl::Duration cpu_before_idle = CpuTime(pid);
  const absl::Time idle_start = absl::Now();
  absl::SleepFor(idle);
  const double idle_cpu_percent =
      100.0 * absl::FDivDuration(CpuTime(pid) - cpu_before_idle,
                                 absl::Now() - idle_start);
  const int64_t idle_kib = ResidentKib(pid);

  std::printf("sessions                 %d\n", sessions);
  std::printf(
      "connected                %d (disconnected events %d, login "
      "errors %d)\n",
      connected_count, failed_count, login_errors.load());
  std::printf("logins sent in           %.2f s\n",
              absl::ToDoubleSeconds(logins_sent));
  std::printf("all connected after      %.2f s (%.0f sessions/s)\n",
              absl::ToDoubleSeconds(all_connected),
              sessions / absl::ToDoubleSeconds(all_connected));
  std::printf("lilacd CPU for logins    %.2f s\n",
              absl::ToDoubleSeconds(login_cpu));
  std::printf("VmRSS empty              %lld KiB\n",
              static_cast<long long>(empty_kib));
  std::printf("VmRSS connected          %lld KiB\n",
              static_cast<long long>(loaded_kib));
  std::printf("VmRSS after idle         %lld KiB\n",
              static_cast<long long>(idle_kib));
  std::printf("per session              %.1f KiB\n",
              static_cast<double>(idle_kib - empty_kib) / sessions);
  std::printf("idle CPU over %.0f s       %.2f %% of a core\n",
              absl::ToDoubleSeconds(idle), idle_cpu_percent);
  return connected_count == sessions ? 0 : 2;
}

}  // namespace
}  // namespace lilac::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return lilac::bench::Run();
}
