// The Spectrum 2 path end to end: the Spectrum emulator drives a backend
// binary (spectrum2_lilac_backend by default, or any Spectrum backend given
// by --backend) with N prpl-fake users logged in on the fake network, and
// measures message throughput both ways and network->Spectrum latency at a
// fixed offered rate. Prints numbers; asserts nothing.
//
//   ./bazelw run //bench:spectrum_path_bench -- --users=1,100,1000
//       --messages=20000 [--rate=2000] [--backend=PATH]
//
// Spectrum->network: the emulator sends --messages CONV_MESSAGEs (each with
// an id, round robin over the users) as fast as it can; the clock stops at
// the last CONV_MESSAGE_ACK (the shim ACKs once libpurple handed the message
// to prpl-fake, which writes it to its socket). Afterwards every message is
// counted at the fake network (WaitForClientFrame, per user), so the rate
// only stands if all arrived. Backends that do not ACK: use --no_acks, then
// the clock stops when the network has counted them all.
//
// Network->Spectrum: --inject_threads threads inject --messages messages
// (round robin over the users) through the control API, --inject_batch per
// InjectMessages call so the injector is not what is measured; the clock
// stops at the last CONV_MESSAGE frame at the emulator.
//
// Latency: InjectMessage at --rate msgs/s for --latency_seconds, paced over
// --inject_threads threads; per message, from just before the InjectMessage
// call to the CONV_MESSAGE frame's arrival at the emulator (the time includes
// the control call's own latency, printed separately).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/process_stats.h"
#include "grpcpp/grpcpp.h"
#include "testing/fake_prpl/fake_control.grpc.pb.h"
#include "testing/fake_prpl/fake_server.h"
#include "testing/lilacd/lilacd_process.h"
#include "testing/spectrum_emulator/spectrum_emulator.h"

ABSL_FLAG(std::vector<std::string>, users,
          (std::vector<std::string>{"1", "100", "1000"}),
          "Numbers of logged-in users to run with, comma-separated; each gets "
          "a fresh network and backend.");
ABSL_FLAG(int, messages, 20000, "Messages per direction for throughput.");
ABSL_FLAG(int, rate, 2000, "Offered network->Spectrum rate for latency.");
ABSL_FLAG(double, latency_seconds, 5, "How long the latency run offers load.");
ABSL_FLAG(int, inject_threads, 8, "Threads calling InjectMessage.");
ABSL_FLAG(int, inject_batch, 100,
          "Messages per InjectMessages call for network->Spectrum "
          "throughput (1: one InjectMessage call each).");
ABSL_FLAG(std::string, backend, "",
          "Backend command ([service] backend), split at spaces; default: "
          "spectrum2_lilac_backend from the runfiles.");
ABSL_FLAG(bool, no_acks, false,
          "The backend sends no CONV_MESSAGE_ACK: time Spectrum->network by "
          "the count at the network instead.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(120), "For every wait.");

namespace lilac::bench {
namespace {

namespace fake = ::lilac::testing::fake;
using pbnetwork::WrapperMessage;
using spectrum::SpectrumEmulator;

constexpr char kOutPrefix[] = "out ";
constexpr char kInPrefix[] = "in ";
constexpr char kLatencyPrefix[] = "lat ";

void Fail(const std::string& what) {
  std::fprintf(stderr, "FAILED: %s\n", what.c_str());
  std::exit(1);
}

std::string Absolute(const std::string& path) {
  return std::filesystem::absolute(path).string();
}

std::string UserJid(int i) { return absl::StrCat("u", i, "@example.org"); }
std::string Account(int i) { return absl::StrCat("u", i); }

std::unique_ptr<grpc::ClientContext> CallContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// What the emulator's I/O thread sees, counted as frames arrive.
class Counters {
 public:
  void Reset(int latency_slots) {
    absl::MutexLock lock(&mutex_);
    acks_ = 0;
    incoming_ = 0;
    last_ack_ = last_incoming_ = absl::InfinitePast();
    arrival_.assign(latency_slots, absl::InfinitePast());
    latency_seen_ = 0;
  }

  void OnFrame(const WrapperMessage& frame) {
    const absl::Time now = absl::Now();
    if (frame.type() == WrapperMessage::TYPE_CONV_MESSAGE_ACK) {
      absl::MutexLock lock(&mutex_);
      ++acks_;
      last_ack_ = now;
      return;
    }
    if (frame.type() != WrapperMessage::TYPE_CONV_MESSAGE) return;
    pbnetwork::ConversationMessage message;
    if (!message.ParseFromString(frame.payload())) return;
    absl::string_view text = message.message();
    absl::MutexLock lock(&mutex_);
    if (absl::ConsumePrefix(&text, kInPrefix)) {
      ++incoming_;
      last_incoming_ = now;
    } else if (absl::ConsumePrefix(&text, kLatencyPrefix)) {
      int index;
      if (absl::SimpleAtoi(text, &index) && index >= 0 &&
          index < static_cast<int>(arrival_.size()) &&
          arrival_[index] == absl::InfinitePast()) {
        arrival_[index] = now;
        ++latency_seen_;
      }
    }
  }

  // Waits until `count(this) >= target`; returns the count reached.
  int WaitFor(int Counters::*field, int target, absl::Duration timeout) {
    absl::MutexLock lock(&mutex_);
    auto reached = [this, field, target]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
      return this->*field >= target;
    };
    mutex_.AwaitWithTimeout(absl::Condition(&reached), timeout);
    return this->*field;
  }

  absl::Time last_ack() {
    absl::MutexLock lock(&mutex_);
    return last_ack_;
  }
  absl::Time last_incoming() {
    absl::MutexLock lock(&mutex_);
    return last_incoming_;
  }
  std::vector<absl::Time> arrivals() {
    absl::MutexLock lock(&mutex_);
    return arrival_;
  }

  absl::Mutex mutex_;
  int acks_ ABSL_GUARDED_BY(mutex_) = 0;
  int incoming_ ABSL_GUARDED_BY(mutex_) = 0;
  int latency_seen_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Time last_ack_ ABSL_GUARDED_BY(mutex_);
  absl::Time last_incoming_ ABSL_GUARDED_BY(mutex_);
  std::vector<absl::Time> arrival_ ABSL_GUARDED_BY(mutex_);
};

class Run {
 public:
  explicit Run(int users) : users_(users) {}

  ~Run() {
    spectrum_.reset();
    network_.reset();
    if (!temp_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(temp_dir_, ignored);
    }
  }

  void Start() {
    std::string pattern = "/tmp/spectrum_path_benchXXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) Fail("mkdtemp");
    temp_dir_ = pattern;
    absl::StatusOr<std::unique_ptr<fake::FakeServer>> network =
        fake::FakeServer::Start({});
    if (!network.ok()) Fail(network.status().ToString());
    network_ = *std::move(network);
    control_ = network_->NewControlStub();

    const std::string config_path = temp_dir_ + "/transport.cfg";
    {
      std::ofstream config(config_path);
      config << "[service]\n"
             << "jid = fake.example.org\n"
             << "protocol = prpl-fake\n"
             << "backend = spectrum_path_bench\n"
             << "[purple]\n"
             << "plugins_dir = "
             << Absolute(testing::RunfilePath("testing/fake_prpl")) << "\n"
             << "server = " << network_->network_host() << "\n"
             << "port = " << network_->network_port() << "\n";
    }
    SpectrumEmulator::Options options;
    if (absl::GetFlag(FLAGS_backend).empty()) {
      options.backend_command = {Absolute(
          testing::RunfilePath("frontend_shim/spectrum2_lilac_backend"))};
    } else {
      options.backend_command =
          absl::StrSplit(absl::GetFlag(FLAGS_backend), ' ', absl::SkipEmpty());
    }
    options.config_path = config_path;
    options.spectrum_args = {"-n"};
    options.working_dir = temp_dir_;
    options.connect_timeout = absl::GetFlag(FLAGS_timeout);
    options.on_frame = [this](const WrapperMessage& frame) {
      counters_.OnFrame(frame);
    };
    absl::StatusOr<std::unique_ptr<SpectrumEmulator>> started =
        SpectrumEmulator::Start(std::move(options));
    if (!started.ok()) Fail(started.status().ToString());
    spectrum_ = *std::move(started);
    pid_ = spectrum_->backend_pid();
  }

  void LogIn() {
    for (int i = 0; i < users_; ++i) {
      fake::v1::CreateAccountRequest request;
      request.set_username(Account(i));
      request.set_password("secret");
      fake::v1::CreateAccountResponse response;
      grpc::Status status = control_->CreateAccount(
          CallContext(absl::Seconds(30)).get(), request, &response);
      if (!status.ok()) Fail("CreateAccount: " + status.error_message());
    }
    const absl::Time start = absl::Now();
    const absl::Duration cpu = CpuTime(pid_);
    for (int i = 0; i < users_; ++i) {
      absl::Status sent = spectrum_->Login(UserJid(i), Account(i), "secret");
      if (!sent.ok()) Fail(sent.ToString());
    }
    for (int i = 0; i < users_; ++i) {
      absl::Status connected =
          spectrum_->WaitForConnected(UserJid(i), absl::GetFlag(FLAGS_timeout));
      if (!connected.ok()) Fail(connected.ToString());
    }
    std::printf("  %d users connected in %s (backend CPU %s), VmRSS %.1f MiB\n",
                users_, absl::FormatDuration(absl::Now() - start).c_str(),
                absl::FormatDuration(CpuTime(pid_) - cpu).c_str(),
                ResidentKib(pid_) / 1024.0);
  }

  // Spectrum -> network.
  void Outgoing(int messages) {
    const bool acks = !absl::GetFlag(FLAGS_no_acks);
    counters_.Reset(0);
    const absl::Duration cpu = CpuTime(pid_);
    const absl::Time start = absl::Now();
    for (int i = 0; i < messages; ++i) {
      pbnetwork::ConversationMessage message;
      message.set_username(UserJid(i % users_));
      message.set_buddyname("peer");
      message.set_message(absl::StrCat(kOutPrefix, i));
      message.set_id(absl::StrCat("o", i));
      absl::Status sent = spectrum_->SendMessage(message);
      if (!sent.ok()) Fail(sent.ToString());
    }
    const absl::Time all_sent = absl::Now();
    absl::Time end;
    if (acks) {
      const int acked = counters_.WaitFor(&Counters::acks_, messages,
                                          absl::GetFlag(FLAGS_timeout));
      if (acked < messages) {
        Fail(absl::StrCat("only ", acked, " of ", messages, " ACKed"));
      }
      end = counters_.last_ack();
    }
    const absl::Duration backend_cpu = CpuTime(pid_) - cpu;
    // Count at the network: every user's messages, in order.
    int at_network = 0;
    for (int u = 0; u < users_; ++u) {
      const int expected = messages / users_ + (u < messages % users_ ? 1 : 0);
      int64_t after = 0;
      for (int k = 0; k < expected; ++k) {
        fake::v1::WaitForClientFrameRequest request;
        request.set_account(Account(u));
        request.set_kind(fake::v1::ClientFrame::kSendIm);
        request.set_after_sequence(after);
        request.set_timeout_ms(
            absl::ToInt64Milliseconds(absl::GetFlag(FLAGS_timeout)));
        fake::v1::WaitForClientFrameResponse response;
        grpc::Status status = control_->WaitForClientFrame(
            CallContext(absl::GetFlag(FLAGS_timeout) + absl::Seconds(5)).get(),
            request, &response);
        if (!status.ok()) break;
        after = response.sequence();
        if (absl::StartsWith(response.frame().send_im().text(), kOutPrefix)) {
          ++at_network;
        }
      }
    }
    if (!acks) end = absl::Now();
    if (at_network < messages) {
      Fail(absl::StrCat("only ", at_network, " of ", messages,
                        " messages reached the network"));
    }
    const double seconds = absl::ToDoubleSeconds(end - start);
    std::printf(
        "  Spectrum->network: %d messages in %.3f s = %.0f msgs/s (%s; sent "
        "in %.3f s; all %d counted at the network); backend CPU %.2f s\n",
        messages, seconds, messages / seconds,
        acks ? "to the last ACK" : "to the count at the network",
        absl::ToDoubleSeconds(all_sent - start), at_network,
        absl::ToDoubleSeconds(backend_cpu));
  }

  // Network -> Spectrum.
  void Incoming(int messages) {
    counters_.Reset(0);
    const int threads = absl::GetFlag(FLAGS_inject_threads);
    const absl::Duration cpu = CpuTime(pid_);
    const absl::Time start = absl::Now();
    std::vector<std::thread> workers;
    const int batch = std::max(1, absl::GetFlag(FLAGS_inject_batch));
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([this, messages, threads, t, batch] {
        fake::v1::InjectMessagesRequest request;
        for (int i = t; i < messages; i += threads) {
          fake::v1::InjectMessageRequest& one = *request.add_messages();
          one.set_account(Account(i % users_));
          one.mutable_message()->set_from(absl::StrCat("peer", t));
          one.mutable_message()->set_text(absl::StrCat(kInPrefix, i));
          if (request.messages_size() == batch) InjectBatch(&request);
        }
        if (request.messages_size() > 0) InjectBatch(&request);
      });
    }
    for (std::thread& worker : workers) worker.join();
    const absl::Time injected = absl::Now();
    const int received = counters_.WaitFor(&Counters::incoming_, messages,
                                           absl::GetFlag(FLAGS_timeout));
    if (received < messages) {
      Fail(absl::StrCat("only ", received, " of ", messages, " arrived"));
    }
    const double seconds =
        absl::ToDoubleSeconds(counters_.last_incoming() - start);
    std::printf(
        "  network->Spectrum: %d messages in %.3f s = %.0f msgs/s (injected "
        "in %.3f s = %.0f/s from %d threads, %d per call); backend CPU %.2f "
        "s\n",
        messages, seconds, messages / seconds,
        absl::ToDoubleSeconds(injected - start),
        messages / absl::ToDoubleSeconds(injected - start), threads, batch,
        absl::ToDoubleSeconds(CpuTime(pid_) - cpu));
  }

  // Network -> Spectrum at a fixed rate.
  void Latency(int rate, double seconds) {
    const int count = static_cast<int>(rate * seconds);
    counters_.Reset(count);
    std::vector<absl::Time> injected_at(count);
    std::vector<absl::Duration> call_time(count);
    const int threads = absl::GetFlag(FLAGS_inject_threads);
    const absl::Duration cpu = CpuTime(pid_);
    const absl::Time start = absl::Now() + absl::Milliseconds(10);
    std::atomic<int> late{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = t; i < count; i += threads) {
          const absl::Time due = start + absl::Seconds(1) * i / rate;
          const absl::Time now = absl::Now();
          if (now < due) {
            absl::SleepFor(due - now);
          } else if (now - due > absl::Milliseconds(1)) {
            late.fetch_add(1);
          }
          injected_at[i] = absl::Now();
          Inject(i % users_, absl::StrCat(kLatencyPrefix, i), t);
          call_time[i] = absl::Now() - injected_at[i];
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    const absl::Duration offered = absl::Now() - start;
    const int seen = counters_.WaitFor(&Counters::latency_seen_, count,
                                       absl::GetFlag(FLAGS_timeout));
    if (seen < count) {
      Fail(absl::StrCat("only ", seen, " of ", count, " arrived"));
    }
    std::vector<absl::Time> arrivals = counters_.arrivals();
    std::vector<absl::Duration> latency(count);
    for (int i = 0; i < count; ++i) latency[i] = arrivals[i] - injected_at[i];
    auto ms = [](absl::Duration d) { return absl::ToDoubleMilliseconds(d); };
    std::printf(
        "  latency network->Spectrum at %d msgs/s (%d messages, offered in "
        "%.2f s, %d over 1 ms late): p50 %.3f ms, p99 %.3f ms, max %.3f ms; "
        "InjectMessage call itself p50 %.3f ms, p99 %.3f ms; backend CPU "
        "%.2f s\n",
        rate, count, absl::ToDoubleSeconds(offered), late.load(),
        ms(Quantile(latency, 0.5)), ms(Quantile(latency, 0.99)),
        ms(Quantile(latency, 1.0)), ms(Quantile(call_time, 0.5)),
        ms(Quantile(call_time, 0.99)),
        absl::ToDoubleSeconds(CpuTime(pid_) - cpu));
  }

  void Finish() {
    absl::Status health = spectrum_->Health();
    if (!health.ok()) Fail("backend broke the protocol: " + health.ToString());
    std::printf("  backend VmRSS at the end %.1f MiB\n",
                ResidentKib(pid_) / 1024.0);
  }

 private:
  void InjectBatch(fake::v1::InjectMessagesRequest* request) {
    fake::v1::InjectMessagesResponse response;
    grpc::Status status = control_->InjectMessages(
        CallContext(absl::Seconds(30)).get(), *request, &response);
    if (!status.ok()) Fail("InjectMessages: " + status.error_message());
    request->Clear();
  }

  void Inject(int user, const std::string& text, int sender) {
    fake::v1::InjectMessageRequest request;
    request.set_account(Account(user));
    request.mutable_message()->set_from(absl::StrCat("peer", sender));
    request.mutable_message()->set_text(text);
    fake::v1::InjectMessageResponse response;
    grpc::Status status = control_->InjectMessage(
        CallContext(absl::Seconds(30)).get(), request, &response);
    if (!status.ok()) Fail("InjectMessage: " + status.error_message());
  }

  const int users_;
  std::string temp_dir_;
  int pid_ = -1;
  Counters counters_;
  std::unique_ptr<fake::FakeServer> network_;
  std::unique_ptr<fake::v1::FakeNetworkControl::Stub> control_;
  std::unique_ptr<SpectrumEmulator> spectrum_;
};

int Main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::printf("open-file limit %llu\n",
              static_cast<unsigned long long>(RaiseOpenFileLimit()));
  const int messages = absl::GetFlag(FLAGS_messages);
  for (const std::string& users_flag : absl::GetFlag(FLAGS_users)) {
    int users;
    if (!absl::SimpleAtoi(users_flag, &users) || users <= 0) {
      Fail("--users takes positive numbers");
    }
    std::printf("N = %d users, %d messages per direction\n", users, messages);
    std::fflush(stdout);
    Run run(users);
    run.Start();
    run.LogIn();
    std::fflush(stdout);
    run.Outgoing(messages);
    std::fflush(stdout);
    run.Incoming(messages);
    std::fflush(stdout);
    run.Latency(absl::GetFlag(FLAGS_rate),
                absl::GetFlag(FLAGS_latency_seconds));
    run.Finish();
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace lilac::bench

int main(int argc, char** argv) { return lilac::bench::Main(argc, argv); }
