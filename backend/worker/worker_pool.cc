#include "backend/worker/worker_pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log/log.h"

namespace lilac::worker {

struct WorkerPool::Worker {
  int number = 0;
  std::string name;
  // The plugin whose sessions it hosts; empty while it hosts none.
  std::string protocol;  // guarded by the pool's mutex
  int sessions = 0;      // guarded by the pool's mutex, reserved ones included
  // Left the pool (ended, retired or stopping): no call reaches it any more.
  bool gone = false;  // guarded by the pool's mutex
  absl::Notification started;
  // Set before `started`: the client, or why the worker did not start.
  std::unique_ptr<WorkerClient> client;
  absl::Status start_status;
  std::unique_ptr<WorkerSink> sink;
  absl::Mutex hold_mutex;
  int applied_holds ABSL_GUARDED_BY(hold_mutex) = 0;
};

struct WorkerPool::SessionRecord {
  std::weak_ptr<Worker> worker;
  int worker_number = 0;
  // The Login as given, with the settings the plugin changed since: what
  // logs the session in again. Memory only.
  v1::LoginRequest login;
  // The registry has the session (its worker opened it).
  bool opened = false;
  // Logged in again on another worker: its second opening is not passed on.
  bool recovering = false;
  bool rejoin_pending = false;
  // Chats joined and not left, by JoinChatRequest.chat.
  std::map<std::string, v1::JoinChatRequest> chats;
  // When its workers ended, within the crash window.
  std::deque<absl::Time> crashes;
};

class WorkerPool::WorkerSink final : public EventSink {
 public:
  WorkerSink(WorkerPool* pool, Worker* worker) : pool_(pool), worker_(worker) {}
  absl::Status OpenSession(const v1::Session& session) override {
    return pool_->OnOpened(worker_, session);
  }
  void Emit(const std::string& session, v1::Event event) override {
    pool_->OnEvent(worker_, session, std::move(event));
  }
  void CloseSession(const std::string& session) override {
    pool_->OnClosed(worker_, session);
  }

 private:
  WorkerPool* const pool_;
  Worker* const worker_;
};

namespace {

std::string AccountKey(const v1::LoginRequest& login) {
  return absl::StrCat(login.protocol(), "\n", login.username());
}

absl::Status Stopping() { return absl::UnavailableError("lilacd is stopping"); }

absl::Status NoWorker() {
  return absl::UnavailableError(
      "no lilacd worker is running (one is starting); try again");
}

// The plugin's changed settings replace what Login gave.
void ApplySettings(const v1::AccountSettingsChanged& changed,
                   v1::LoginRequest& login) {
  auto forget = [&login](const std::string& key) {
    login.mutable_settings()->erase(key);
    login.mutable_account_strings()->erase(key);
    auto* saved = login.mutable_saved_settings();
    saved->erase(std::remove_if(saved->begin(), saved->end(),
                                [&key](const v1::AccountSetting& setting) {
                                  return setting.key() == key;
                                }),
                 saved->end());
  };
  for (const v1::AccountSetting& setting : changed.settings()) {
    forget(setting.key());
    *login.add_saved_settings() = setting;
  }
  for (const std::string& key : changed.removed_keys()) forget(key);
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerPool>> WorkerPool::Start(Options options,
                                                              EventSink* sink) {
  std::unique_ptr<WorkerPool> pool(new WorkerPool(std::move(options), sink));
  std::shared_ptr<Worker> first;
  {
    absl::MutexLock lock(&pool->mutex_);
    bool is_new = false;
    first = pool->PlaceLocked("", &is_new);
  }
  pool->StartWorker(first);
  if (absl::Status started = AwaitStarted(*first); !started.ok()) {
    return started;
  }
  absl::Notification listed;
  absl::StatusOr<v1::ListProtocolsResponse> protocols;
  first->client->ListProtocols(
      v1::ListProtocolsRequest(),
      [&](absl::StatusOr<v1::ListProtocolsResponse> response) {
        protocols = std::move(response);
        listed.Notify();
      });
  listed.WaitForNotification();
  if (!protocols.ok()) return protocols.status();
  absl::MutexLock lock(&pool->mutex_);
  for (const v1::Protocol& protocol : protocols->protocols()) {
    pool->protocols_.insert(protocol.id());
  }
  return pool;
}

WorkerPool::WorkerPool(Options options, EventSink* sink)
    : options_(std::move(options)), sink_(sink) {
  janitor_ = std::thread([this] { JanitorLoop(); });
}

WorkerPool::~WorkerPool() {
  LogoutAll();
  {
    absl::MutexLock lock(&janitor_mutex_);
    janitor_stop_ = true;
  }
  janitor_.join();
}

void WorkerPool::LogoutAll() {
  std::vector<std::shared_ptr<Worker>> workers;
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    workers.swap(workers_);
    for (const std::shared_ptr<Worker>& worker : workers) worker->gone = true;
  }
  // All at once: each logs its sessions out in parallel.
  std::vector<std::thread> stops;
  for (std::shared_ptr<Worker>& worker : workers) {
    stops.emplace_back(
        [worker = std::move(worker)]() mutable { Dispose(std::move(worker)); });
  }
  for (std::thread& stop : stops) stop.join();
  absl::MutexLock lock(&mutex_);
  sessions_.clear();
  accounts_.clear();
}

std::shared_ptr<WorkerPool::Worker> WorkerPool::PlaceLocked(
    const std::string& protocol, bool* is_new) {
  *is_new = false;
  if (stopping_) return nullptr;
  std::vector<Worker*> same;
  Worker* unassigned = nullptr;
  for (const std::shared_ptr<Worker>& worker : workers_) {
    if (worker->protocol == protocol && !protocol.empty()) {
      same.push_back(worker.get());
    } else if (worker->protocol.empty() && worker->sessions == 0 &&
               unassigned == nullptr) {
      unassigned = worker.get();
    }
  }
  auto shared = [this](Worker* raw) {
    for (const std::shared_ptr<Worker>& worker : workers_) {
      if (worker.get() == raw) return worker;
    }
    return std::shared_ptr<Worker>();
  };
  auto assign = [&](Worker* worker) {
    worker->protocol = protocol;
    return shared(worker);
  };
  const bool may_grow =
      options_.max_workers <= 0 ||
      static_cast<int>(workers_.size()) < options_.max_workers;
  auto grow = [&] {
    auto worker = std::make_shared<Worker>();
    worker->number = next_number_++;
    worker->name = absl::StrCat("worker ", worker->number);
    worker->protocol = protocol;
    workers_.push_back(worker);
    *is_new = true;
    return worker;
  };
  if (protocol.empty()) return grow();
  auto least = [](const std::vector<Worker*>& among, int below) {
    Worker* best = nullptr;
    for (Worker* worker : among) {
      if (below > 0 && worker->sessions >= below) continue;
      if (best == nullptr || worker->sessions < best->sessions) best = worker;
    }
    return best;
  };
  if (static_cast<int>(same.size()) < options_.spread) {
    if (unassigned != nullptr) return assign(unassigned);
    if (may_grow) return grow();
  }
  if (Worker* best = least(same, options_.sessions_per_worker)) {
    return shared(best);
  }
  if (unassigned != nullptr) return assign(unassigned);
  if (may_grow) return grow();
  // Every worker is full and there may be no more: the least loaded one.
  if (Worker* best = least(same, 0)) return shared(best);
  std::vector<Worker*> all;
  for (const std::shared_ptr<Worker>& worker : workers_) {
    all.push_back(worker.get());
  }
  return shared(least(all, 0));
}

void WorkerPool::StartWorker(const std::shared_ptr<Worker>& worker) {
  WorkerClient::Options options;
  options.program = options_.worker.program;
  options.args = options_.worker.args;
  options.host = options_.worker.host;
  options.heartbeat_interval = options_.worker.heartbeat_interval;
  options.heartbeat_timeout = options_.worker.heartbeat_timeout;
  options.start_timeout = options_.worker.start_timeout;
  options.memory_limit = options_.worker.memory_limit;
  options.name = worker->name;
  {
    absl::MutexLock lock(&mutex_);
    for (const std::string& plugin : loaded_plugins_) {
      options.host.load_plugins.push_back(plugin);
    }
  }
  options.on_exit = [this, number = worker->number](const absl::Status& why) {
    Post([this, number, why] {
      std::shared_ptr<Worker> ended;
      {
        absl::MutexLock lock(&mutex_);
        for (auto it = workers_.begin(); it != workers_.end(); ++it) {
          if ((*it)->number == number) {
            ended = std::move(*it);
            workers_.erase(it);
            ended->gone = true;
            break;
          }
        }
      }
      if (ended != nullptr) WorkerEnded(ended, why);
    });
  };
  worker->sink = std::make_unique<WorkerSink>(this, worker.get());
  absl::StatusOr<std::unique_ptr<WorkerClient>> client =
      WorkerClient::Start(std::move(options), worker->sink.get());
  {
    absl::MutexLock lock(&mutex_);
    if (client.ok()) {
      worker->client = *std::move(client);
    } else {
      worker->start_status = client.status();
      worker->gone = true;
      workers_.erase(std::remove(workers_.begin(), workers_.end(), worker),
                     workers_.end());
    }
  }
  worker->started.Notify();
  if (worker->client != nullptr) {
    log::Info("workers", absl::StrCat(worker->name, " (pid ",
                                      worker->client->pid(), ") started"));
    SyncHolds(*worker);
  } else {
    log::Error("workers", worker->start_status.message());
  }
}

absl::Status WorkerPool::AwaitStarted(const Worker& worker) {
  worker.started.WaitForNotification();
  return worker.start_status;
}

absl::StatusOr<std::shared_ptr<WorkerPool::Worker>> WorkerPool::WorkerFor(
    const std::string& session) {
  absl::MutexLock lock(&mutex_);
  if (stopping_) return Stopping();
  if (!session.empty()) {
    auto it = sessions_.find(session);
    if (it != sessions_.end()) {
      std::shared_ptr<Worker> worker = it->second.worker.lock();
      if (worker != nullptr && !worker->gone) return worker;
      return absl::UnavailableError(
          absl::StrCat("the lilacd worker process hosting session ", session,
                       " ended; it is being logged in again"));
    }
  }
  // Any worker answers for a session it does not know as the in-process
  // host does; a started one answers soonest.
  std::shared_ptr<Worker> any;
  for (const std::shared_ptr<Worker>& worker : workers_) {
    if (worker->started.HasBeenNotified()) return worker;
    if (any == nullptr) any = worker;
  }
  if (any == nullptr) return NoWorker();
  return any;
}

template <typename Request, typename Response, typename Command>
void WorkerPool::Route(const Request& request, Done<Response> done,
                       Command command) {
  absl::StatusOr<std::shared_ptr<Worker>> worker = WorkerFor(request.session());
  if (!worker.ok()) return done(worker.status());
  if (absl::Status started = AwaitStarted(**worker); !started.ok()) {
    return done(started);
  }
  command(*(*worker)->client, request, std::move(done));
}

#define LILAC_ROUTED_COMMAND(Name)                                  \
  void WorkerPool::Name(const v1::Name##Request& request,           \
                        Done<v1::Name##Response> done) {            \
    Route(request, std::move(done),                                 \
          [](WorkerClient& client, const v1::Name##Request& routed, \
             Done<v1::Name##Response> routed_done) {                \
            client.Name(routed, std::move(routed_done));            \
          });                                                       \
  }
LILAC_ROUTED_COMMAND(Logout)
LILAC_ROUTED_COMMAND(SetStatus)
LILAC_ROUTED_COMMAND(GetUserInfo)
LILAC_ROUTED_COMMAND(SetProfile)
LILAC_ROUTED_COMMAND(GetCapabilities)
LILAC_ROUTED_COMMAND(ListBuddies)
LILAC_ROUTED_COMMAND(AddBuddy)
LILAC_ROUTED_COMMAND(RemoveBuddy)
LILAC_ROUTED_COMMAND(UpdateBuddy)
LILAC_ROUTED_COMMAND(SetBuddyBlocked)
LILAC_ROUTED_COMMAND(GetBuddyIcon)
LILAC_ROUTED_COMMAND(AnswerAuthorization)
LILAC_ROUTED_COMMAND(SendMessage)
LILAC_ROUTED_COMMAND(SendTyping)
LILAC_ROUTED_COMMAND(SendAttention)
LILAC_ROUTED_COMMAND(MarkRead)
LILAC_ROUTED_COMMAND(ListChatFields)
LILAC_ROUTED_COMMAND(SendChatMessage)
LILAC_ROUTED_COMMAND(SetChatSubject)
LILAC_ROUTED_COMMAND(AnswerChatInvitation)
LILAC_ROUTED_COMMAND(ListChats)
LILAC_ROUTED_COMMAND(AnswerRequest)
LILAC_ROUTED_COMMAND(CancelRequest)
#undef LILAC_ROUTED_COMMAND

void WorkerPool::ListProtocols(const v1::ListProtocolsRequest& request,
                               Done<v1::ListProtocolsResponse> done) {
  absl::StatusOr<std::shared_ptr<Worker>> worker = WorkerFor("");
  if (!worker.ok()) return done(worker.status());
  if (absl::Status started = AwaitStarted(**worker); !started.ok()) {
    return done(started);
  }
  (*worker)->client->ListProtocols(request, std::move(done));
}

void WorkerPool::ListPlugins(const v1::ListPluginsRequest& request,
                             Done<v1::ListPluginsResponse> done) {
  absl::StatusOr<std::shared_ptr<Worker>> worker = WorkerFor("");
  if (!worker.ok()) return done(worker.status());
  if (absl::Status started = AwaitStarted(**worker); !started.ok()) {
    return done(started);
  }
  (*worker)->client->ListPlugins(request, std::move(done));
}

void WorkerPool::LoadPlugin(const v1::LoadPluginRequest& request,
                            Done<v1::LoadPluginResponse> done) {
  absl::StatusOr<std::shared_ptr<Worker>> found = WorkerFor("");
  if (!found.ok()) return done(found.status());
  std::shared_ptr<Worker> first = *std::move(found);
  if (absl::Status started = AwaitStarted(*first); !started.ok()) {
    return done(started);
  }
  // One worker says whether it loads; then every worker loads it, and so does
  // every worker that starts later.
  first->client->LoadPlugin(
      request, [this, request, number = first->number, done = std::move(done)](
                   absl::StatusOr<v1::LoadPluginResponse> response) mutable {
        if (response.ok()) {
          std::vector<std::shared_ptr<Worker>> others;
          {
            absl::MutexLock lock(&mutex_);
            loaded_plugins_.push_back(request.plugin());
            for (const std::shared_ptr<Worker>& worker : workers_) {
              if (worker->number != number &&
                  worker->started.HasBeenNotified() &&
                  worker->client != nullptr) {
                others.push_back(worker);
              }
            }
          }
          for (const std::shared_ptr<Worker>& worker : others) {
            worker->client->LoadPlugin(
                request, [name = worker->name, plugin = request.plugin()](
                             absl::StatusOr<v1::LoadPluginResponse> loaded) {
                  if (!loaded.ok()) {
                    log::Error("workers",
                               absl::StrCat(name, " did not load ", plugin,
                                            ": ", loaded.status().message()));
                  }
                });
          }
        }
        done(std::move(response));
      });
}

void WorkerPool::Login(const v1::LoginRequest& request,
                       Done<v1::LoginResponse> done) {
  std::shared_ptr<Worker> worker;
  bool is_new = false;
  bool placed = false;
  absl::Status refused;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) refused = Stopping();
    auto existing = sessions_.find(request.session());
    auto account = accounts_.find(AccountKey(request));
    if (existing == sessions_.end() && account != accounts_.end()) {
      // This account under another key: its worker says ALREADY_EXISTS.
      existing = sessions_.find(account->second);
    }
    if (!refused.ok()) {
    } else if (existing != sessions_.end()) {
      worker = existing->second.worker.lock();
      if (worker == nullptr || worker->gone) {
        worker = nullptr;
        refused = absl::UnavailableError(absl::StrCat(
            "the lilacd worker process hosting session ", existing->first,
            " ended; it is being logged in again"));
      }
    } else if (protocols_.count(request.protocol()) == 0) {
      // Not a protocol any worker has: any worker answers NOT_FOUND.
      for (const std::shared_ptr<Worker>& any : workers_) {
        worker = any;
        break;
      }
    } else {
      worker = PlaceLocked(request.protocol(), &is_new);
      if (worker != nullptr) {
        SessionRecord& record = sessions_[request.session()];
        record.worker = worker;
        record.worker_number = worker->number;
        record.login = request;
        ++worker->sessions;
        accounts_[AccountKey(request)] = request.session();
        placed = true;
      }
    }
    if (worker == nullptr && refused.ok()) refused = NoWorker();
  }
  if (!refused.ok()) return done(refused);
  if (is_new) StartWorker(worker);
  if (absl::Status started = AwaitStarted(*worker); !started.ok()) {
    if (placed) Unreserve(request.session(), worker->number);
    done(started);
    return;
  }
  worker->client->Login(
      request,
      [this, placed, number = worker->number, session = request.session(),
       password = request.password(), done = std::move(done)](
          absl::StatusOr<v1::LoginResponse> response) mutable {
        if (placed && !response.ok()) Unreserve(session, number);
        if (!placed && response.ok() && !password.empty()) {
          // A new password for an existing session: the one to log in
          // again with.
          absl::MutexLock lock(&mutex_);
          auto it = sessions_.find(session);
          if (it != sessions_.end() && it->second.worker_number == number) {
            it->second.login.set_password(password);
          }
        }
        done(std::move(response));
      });
}

void WorkerPool::JoinChat(const v1::JoinChatRequest& request,
                          Done<v1::JoinChatResponse> done) {
  Route(request, std::move(done),
        [this](WorkerClient& client, const v1::JoinChatRequest& routed,
               Done<v1::JoinChatResponse> routed_done) {
          client.JoinChat(
              routed, [this, routed, routed_done = std::move(routed_done)](
                          absl::StatusOr<v1::JoinChatResponse> joined) mutable {
                if (joined.ok()) {
                  absl::MutexLock lock(&mutex_);
                  auto it = sessions_.find(routed.session());
                  if (it != sessions_.end()) {
                    it->second.chats[routed.chat()] = routed;
                  }
                }
                routed_done(std::move(joined));
              });
        });
}

void WorkerPool::LeaveChat(const v1::LeaveChatRequest& request,
                           Done<v1::LeaveChatResponse> done) {
  Route(request, std::move(done),
        [this](WorkerClient& client, const v1::LeaveChatRequest& routed,
               Done<v1::LeaveChatResponse> routed_done) {
          client.LeaveChat(
              routed, [this, routed, routed_done = std::move(routed_done)](
                          absl::StatusOr<v1::LeaveChatResponse> left) mutable {
                if (left.ok()) {
                  absl::MutexLock lock(&mutex_);
                  auto it = sessions_.find(routed.session());
                  if (it != sessions_.end()) {
                    it->second.chats.erase(routed.chat());
                  }
                }
                routed_done(std::move(left));
              });
        });
}

void WorkerPool::OpenFetchedFile(const v1::FetchFileRequest& request,
                                 Done<SpooledFile> done) {
  Route(request, std::move(done),
        [](WorkerClient& client, const v1::FetchFileRequest& routed,
           Done<SpooledFile> routed_done) {
          client.OpenFetchedFile(routed, std::move(routed_done));
        });
}

void WorkerPool::ForgetFetchedFile(const v1::FetchFileRequest& request,
                                   absl::AnyInvocable<void()> done) {
  absl::StatusOr<std::shared_ptr<Worker>> worker = WorkerFor(request.session());
  if (!worker.ok() || !AwaitStarted(**worker).ok()) return done();
  (*worker)->client->ForgetFetchedFile(request, std::move(done));
}

void WorkerPool::StartUpload(const v1::SendFileRequest& header,
                             Done<std::unique_ptr<PartialUpload>> done) {
  Route(header, std::move(done),
        [](WorkerClient& client, const v1::SendFileRequest& routed,
           Done<std::unique_ptr<PartialUpload>> routed_done) {
          client.StartUpload(routed, std::move(routed_done));
        });
}

void WorkerPool::SendFile(const v1::SendFileRequest& header,
                          std::unique_ptr<PartialUpload> upload,
                          Done<v1::SendFileResponse> done) {
  absl::StatusOr<std::shared_ptr<Worker>> worker = WorkerFor(header.session());
  if (!worker.ok()) return done(worker.status());
  if (absl::Status started = AwaitStarted(**worker); !started.ok()) {
    return done(started);
  }
  (*worker)->client->SendFile(header, std::move(upload), std::move(done));
}

void WorkerPool::HoldNetwork(bool hold) {
  holds_.fetch_add(hold ? 1 : -1);
  std::vector<std::shared_ptr<Worker>> workers;
  {
    absl::MutexLock lock(&mutex_);
    workers = workers_;
  }
  for (const std::shared_ptr<Worker>& worker : workers) SyncHolds(*worker);
}

void WorkerPool::SyncHolds(Worker& worker) {
  if (!worker.started.HasBeenNotified() || worker.client == nullptr) return;
  absl::MutexLock lock(&worker.hold_mutex);
  const int target = holds_.load();
  for (; worker.applied_holds < target; ++worker.applied_holds) {
    worker.client->HoldNetwork(true);
  }
  for (; worker.applied_holds > target; --worker.applied_holds) {
    worker.client->HoldNetwork(false);
  }
}

absl::Status WorkerPool::OnOpened(Worker* worker, const v1::Session& session) {
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session.session());
    if (it != sessions_.end() && it->second.worker_number == worker->number) {
      if (it->second.recovering) {
        // lilacd kept its log: the session goes on in it.
        it->second.recovering = false;
        return absl::OkStatus();
      }
      it->second.opened = true;
    }
  }
  return sink_->OpenSession(session);
}

void WorkerPool::OnEvent(Worker* worker, const std::string& session,
                         v1::Event event) {
  const bool connected =
      event.has_connection_changed() &&
      event.connection_changed().state() == v1::CONNECTION_STATE_CONNECTED;
  if (connected || event.has_account_settings_changed()) {
    bool rejoin = false;
    {
      absl::MutexLock lock(&mutex_);
      auto it = sessions_.find(session);
      if (it != sessions_.end() && it->second.worker_number == worker->number) {
        if (event.has_account_settings_changed()) {
          ApplySettings(event.account_settings_changed(), it->second.login);
        }
        if (connected && it->second.rejoin_pending) {
          it->second.rejoin_pending = false;
          rejoin = true;
        }
      }
    }
    if (rejoin) Post([this, session] { Rejoin(session); });
  }
  sink_->Emit(session, std::move(event));
}

void WorkerPool::OnClosed(Worker* worker, const std::string& session) {
  bool pass_on = true;
  bool retire = false;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session);
    if (it != sessions_.end()) {
      if (it->second.worker_number != worker->number) {
        pass_on = false;  // it lives on, on another worker
      } else {
        accounts_.erase(AccountKey(it->second.login));
        sessions_.erase(it);
        if (--worker->sessions == 0) {
          worker->protocol.clear();
          retire = !stopping_ && workers_.size() > 1;
        }
      }
    }
  }
  if (pass_on) sink_->CloseSession(session);
  if (retire) {
    Post([this, number = worker->number] {
      std::shared_ptr<Worker> emptied;
      {
        absl::MutexLock lock(&mutex_);
        if (workers_.size() <= 1) return;
        for (auto it = workers_.begin(); it != workers_.end(); ++it) {
          if ((*it)->number == number && (*it)->sessions == 0) {
            emptied = std::move(*it);
            workers_.erase(it);
            emptied->gone = true;
            break;
          }
        }
      }
      if (emptied != nullptr) Retire(std::move(emptied));
    });
  }
}

void WorkerPool::Unreserve(const std::string& session, int worker_number) {
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second.worker_number != worker_number ||
      it->second.opened) {
    return;
  }
  if (std::shared_ptr<Worker> worker = it->second.worker.lock()) {
    if (--worker->sessions == 0) worker->protocol.clear();
  }
  accounts_.erase(AccountKey(it->second.login));
  sessions_.erase(it);
}

void WorkerPool::Post(absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&janitor_mutex_);
  tasks_.push_back(std::move(task));
}

bool WorkerPool::JanitorHasWork() const {
  return janitor_stop_ || !tasks_.empty();
}

void WorkerPool::JanitorLoop() {
  while (true) {
    absl::AnyInvocable<void()> task;
    {
      absl::MutexLock lock(&janitor_mutex_);
      janitor_mutex_.Await(absl::Condition(this, &WorkerPool::JanitorHasWork));
      if (tasks_.empty()) return;  // stopping, and nothing left to do
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void WorkerPool::WorkerEnded(const std::shared_ptr<Worker>& worker,
                             const absl::Status& why) {
  std::vector<std::string> moved;
  std::string protocol;
  bool none_left = false;
  {
    absl::MutexLock lock(&mutex_);
    protocol = worker->protocol;
    for (const auto& [session, record] : sessions_) {
      if (record.worker_number == worker->number && record.opened) {
        moved.push_back(session);
      }
    }
    none_left = workers_.empty() && !stopping_;
  }
  log::Error("workers",
             absl::StrCat(why.message(), "; it hosted ", moved.size(), " ",
                          protocol.empty() ? "" : protocol + " ",
                          "sessions, which are logged in again"));
  // A worker stays for the calls that need no session.
  if (none_left) {
    std::shared_ptr<Worker> warm;
    {
      absl::MutexLock lock(&mutex_);
      bool is_new = false;
      if (workers_.empty()) warm = PlaceLocked("", &is_new);
    }
    if (warm != nullptr) StartWorker(warm);
  }
  std::vector<std::shared_ptr<Worker>> starting;
  std::vector<std::string> relogins;
  for (const std::string& session : moved) {
    v1::Event event;
    v1::ConnectionChanged* changed = event.mutable_connection_changed();
    changed->set_state(v1::CONNECTION_STATE_DISCONNECTED);
    changed->set_reason(v1::DISCONNECT_REASON_WORKER_EXITED);
    std::shared_ptr<Worker> target;
    bool is_new = false;
    bool end = false;
    {
      absl::MutexLock lock(&mutex_);
      auto it = sessions_.find(session);
      if (it == sessions_.end() || it->second.worker_number != worker->number) {
        continue;
      }
      SessionRecord& record = it->second;
      const absl::Time now = absl::Now();
      record.crashes.push_back(now);
      while (!record.crashes.empty() &&
             record.crashes.front() < now - options_.crash_window) {
        record.crashes.pop_front();
      }
      end = stopping_ ||
            static_cast<int>(record.crashes.size()) >= options_.crashes_allowed;
      if (!end) {
        target = PlaceLocked(record.login.protocol(), &is_new);
        end = target == nullptr;
      }
      if (end) {
        accounts_.erase(AccountKey(record.login));
        sessions_.erase(it);
      } else {
        record.worker = target;
        record.worker_number = target->number;
        record.recovering = true;
        record.rejoin_pending = !record.chats.empty();
        ++target->sessions;
      }
    }
    const std::string plugin = protocol.empty() ? "its plugin" : protocol;
    if (end) {
      changed->set_message(absl::StrCat(
          "the lilacd worker process hosting this session (", plugin,
          ") ended: ", why.message(), "; its workers ended ",
          options_.crashes_allowed, " times within ",
          absl::FormatDuration(options_.crash_window),
          ", so it is not logged in again"));
      log::Error("workers",
                 absl::StrCat("session ", session, ": ", changed->message()));
      sink_->Emit(session, std::move(event));
      sink_->CloseSession(session);
      continue;
    }
    changed->set_retryable(true);
    changed->set_message(
        absl::StrCat("the lilacd worker process hosting this session (", plugin,
                     ") ended: ", why.message(), "; logging in again"));
    sink_->Emit(session, std::move(event));
    if (is_new) starting.push_back(std::move(target));
    relogins.push_back(session);
  }
  // Every session heard of it first; then new workers start and the sessions
  // log in again.
  for (const std::shared_ptr<Worker>& fresh : starting) StartWorker(fresh);
  for (const std::string& session : relogins) Relogin(session);
}

void WorkerPool::Relogin(const std::string& session) {
  absl::StatusOr<std::shared_ptr<Worker>> found = WorkerFor(session);
  std::shared_ptr<Worker> worker = found.ok() ? *found : nullptr;
  v1::LoginRequest login;
  int number = 0;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    login = it->second.login;
    number = it->second.worker_number;
  }
  absl::Status started = !found.ok() ? found.status()
                         : worker->number != number
                             ? absl::UnavailableError("its worker left")
                             : AwaitStarted(*worker);
  auto give_up = [this, session, number](const absl::Status& why) {
    {
      absl::MutexLock lock(&mutex_);
      auto it = sessions_.find(session);
      if (it == sessions_.end() || it->second.worker_number != number) return;
      if (std::shared_ptr<Worker> worker = it->second.worker.lock()) {
        --worker->sessions;
      }
      accounts_.erase(AccountKey(it->second.login));
      sessions_.erase(it);
    }
    v1::Event event;
    v1::ConnectionChanged* changed = event.mutable_connection_changed();
    changed->set_state(v1::CONNECTION_STATE_DISCONNECTED);
    changed->set_reason(v1::DISCONNECT_REASON_WORKER_EXITED);
    changed->set_message(absl::StrCat(
        "logging in again after the worker ended failed: ", why.message()));
    log::Error("workers",
               absl::StrCat("session ", session, ": ", changed->message()));
    sink_->Emit(session, std::move(event));
    sink_->CloseSession(session);
  };
  if (!started.ok()) return give_up(started);
  worker->client->Login(
      login, [this, give_up](absl::StatusOr<v1::LoginResponse> response) {
        if (!response.ok()) {
          Post([give_up, why = response.status()] { give_up(why); });
        }
      });
}

void WorkerPool::Rejoin(const std::string& session) {
  absl::StatusOr<std::shared_ptr<Worker>> found = WorkerFor(session);
  if (!found.ok()) return;
  std::shared_ptr<Worker> worker = *std::move(found);
  std::vector<v1::JoinChatRequest> chats;
  {
    absl::MutexLock lock(&mutex_);
    auto it = sessions_.find(session);
    if (it == sessions_.end() || it->second.worker_number != worker->number) {
      return;
    }
    for (const auto& [chat, join] : it->second.chats) chats.push_back(join);
  }
  if (!AwaitStarted(*worker).ok()) return;
  for (const v1::JoinChatRequest& join : chats) {
    worker->client->JoinChat(
        join, [session, chat = join.chat()](
                  absl::StatusOr<v1::JoinChatResponse> joined) {
          if (!joined.ok()) {
            log::Warning("workers",
                         absl::StrCat("session ", session, ": rejoining ", chat,
                                      " failed: ", joined.status().message()));
          }
        });
  }
}

void WorkerPool::Retire(std::shared_ptr<Worker> worker) {
  log::Info("workers",
            absl::StrCat(worker->name, " hosts no sessions: it exits"));
  Dispose(std::move(worker));
}

void WorkerPool::Dispose(std::shared_ptr<Worker> worker) {
  // Callers that took it before it left the pool are done with it soon (they
  // only start calls); no new one can take it.
  while (worker.use_count() > 1) absl::SleepFor(absl::Milliseconds(1));
  worker->started.WaitForNotification();
  worker->client.reset();
}

}  // namespace lilac::worker
