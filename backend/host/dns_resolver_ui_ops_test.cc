#include "backend/host/dns_resolver_ui_ops.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backend/host/purple_host.h"
#include "gio/gio.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "purple.h"
#include "testing/lilacd/child_processes.h"

namespace lilac {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Longer than the resolver's own bound: every lookup must have ended by then.
constexpr auto kAnswerTimeout =
    std::chrono::seconds(kResolverTimeoutSeconds + 10);

// What purple_dnsquery_a_account's callback got.
struct AddressAnswer {
  std::set<std::string> addresses;  // "ip port"
  std::string error;
};

// "ip port" of a sockaddr libpurple got.
std::string Format(const void* native, size_t size) {
  GSocketAddress* address = g_socket_address_new_from_native(
      const_cast<void*>(native), static_cast<gsize>(size));
  if (address == nullptr) return "unparsable";
  GInetSocketAddress* inet = G_INET_SOCKET_ADDRESS(address);
  gchar* ip = g_inet_address_to_string(g_inet_socket_address_get_address(inet));
  std::string text =
      absl::StrCat(ip, " ", g_inet_socket_address_get_port(inet));
  g_free(ip);
  g_object_unref(address);
  return text;
}

// Takes what libpurple hands the query's owner: the list and each sockaddr.
void OnAddresses(GSList* hosts, gpointer data, const char* error) {
  auto* promise = static_cast<std::promise<AddressAnswer>*>(data);
  AddressAnswer answer;
  if (error != nullptr) answer.error = error;
  while (hosts != nullptr) {
    const size_t size = GPOINTER_TO_SIZE(hosts->data);
    hosts = g_slist_delete_link(hosts, hosts);
    answer.addresses.insert(Format(hosts->data, size));
    g_free(hosts->data);
    hosts = g_slist_delete_link(hosts, hosts);
  }
  promise->set_value(std::move(answer));
}

void NeverCalled(GSList* hosts, gpointer, const char*) {
  ADD_FAILURE() << "a cancelled lookup called back";
  g_slist_free(hosts);  // the sockaddrs leak; the test has failed anyway
}

// The system's own answer for `name`, as "ip port" with `port`.
std::set<std::string> Getaddrinfo(const std::string& name, int port) {
  addrinfo hints = {};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* result = nullptr;
  std::set<std::string> addresses;
  if (getaddrinfo(name.c_str(), absl::StrCat(port).c_str(), &hints, &result) !=
      0) {
    return addresses;
  }
  for (addrinfo* it = result; it != nullptr; it = it->ai_next) {
    addresses.insert(Format(it->ai_addr, it->ai_addrlen));
  }
  freeaddrinfo(result);
  return addresses;
}

struct SrvAnswer {
  std::vector<std::string> targets;  // "host port"
  gpointer data = nullptr;
};

struct TxtAnswer {
  std::vector<std::string> texts;
  gpointer data = nullptr;
};

// The callbacks' data: a promise each test waits on.
struct SrvWait {
  std::promise<SrvAnswer> promise;
};
struct TxtWait {
  std::promise<TxtAnswer> promise;
};

void OnSrv(PurpleSrvResponse* responses, int count, gpointer data) {
  SrvAnswer answer;
  answer.data = data;
  for (int i = 0; i < count; ++i) {
    answer.targets.push_back(
        absl::StrCat(responses[i].hostname, " ", responses[i].port));
  }
  g_free(responses);
  // A wrong `data` (libpurple's TXT trap) must fail the test, not crash it.
  if (data != nullptr) static_cast<SrvWait*>(data)->promise.set_value(answer);
}

void OnTxt(GList* responses, gpointer data) {
  TxtAnswer answer;
  answer.data = data;
  for (GList* it = responses; it != nullptr; it = it->next) {
    auto* response = static_cast<PurpleTxtResponse*>(it->data);
    answer.texts.push_back(purple_txt_response_get_content(response));
    purple_txt_response_destroy(response);
  }
  g_list_free(responses);
  if (data != nullptr)
    static_cast<TxtWait*>(data)->promise.set_value(answer);
  else
    ADD_FAILURE() << "the TXT callback got no data";
}

void SrvNeverCalled(PurpleSrvResponse* responses, int, gpointer) {
  ADD_FAILURE() << "a cancelled SRV lookup called back";
  g_free(responses);
}

// No DNS server with SRV or TXT records can be configured here (the
// system's resolver configuration is not the test's to change), so the tests
// of found records install this GResolver as the default: it answers records
// for example.test from a table, as GResolver's own would (GVariants of type
// (qqqs) for SRV, (as) for TXT), on a later loop iteration.
struct TableResolver {
  GResolver parent;
};
struct TableResolverClass {
  GResolverClass parent_class;
};
G_DEFINE_TYPE(TableResolver, table_resolver, G_TYPE_RESOLVER)

GList* TableRecords(const gchar* name, GResolverRecordType type) {
  GList* records = nullptr;
  auto add = [&records](GVariant* record) {
    records = g_list_append(records, g_variant_ref_sink(record));
  };
  if (type == G_RESOLVER_RECORD_SRV &&
      g_str_equal(name, "_xmpp-client._tcp.example.test")) {
    add(g_variant_new("(qqqs)", 20, 0, 5222, "b.example.test"));
    add(g_variant_new("(qqqs)", 10, 0, 5223, "a.example.test"));
    add(g_variant_new("(qqqs)", 30, 0, 0, "."));  // "no service": dropped
  } else if (type == G_RESOLVER_RECORD_TXT &&
             g_str_equal(name, "_xmppconnect.example.test")) {
    const gchar* parts[] = {"_xmpp-client-xbosh=", "https://bosh.example.test/",
                            nullptr};
    add(g_variant_new("(^as)", parts));
  }
  return records;
}

void FreeRecords(gpointer records) {
  g_list_free_full(static_cast<GList*>(records),
                   reinterpret_cast<GDestroyNotify>(g_variant_unref));
}

void TableLookupRecordsAsync(GResolver* resolver, const gchar* name,
                             GResolverRecordType type,
                             GCancellable* cancellable,
                             GAsyncReadyCallback callback, gpointer data) {
  GTask* task = g_task_new(resolver, cancellable, callback, data);
  GList* records = TableRecords(name, type);
  if (records != nullptr) {
    g_task_return_pointer(task, records, FreeRecords);
  } else {
    g_task_return_new_error(task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                            "no records for %s", name);
  }
  g_object_unref(task);
}

GList* TableLookupRecordsFinish(GResolver*, GAsyncResult* result,
                                GError** error) {
  return static_cast<GList*>(g_task_propagate_pointer(G_TASK(result), error));
}

void table_resolver_init(TableResolver*) {}

void table_resolver_class_init(TableResolverClass* klass) {
  klass->parent_class.lookup_records_async = TableLookupRecordsAsync;
  klass->parent_class.lookup_records_finish = TableLookupRecordsFinish;
}

class DnsResolverUiOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = PurpleHost::Start({});
    ASSERT_TRUE(started.ok()) << started.status();
    host_ = *std::move(started);
    host_->Run([](const OnLoop& loop) { InstallResolverUiOps(loop); });
  }

  void TearDown() override {
    if (table_resolver_ != nullptr) {
      g_resolver_set_default(system_resolver_);
      g_object_unref(system_resolver_);
      g_object_unref(table_resolver_);
    }
    if (host_ == nullptr) return;
    // Nothing may outlive the test (and ASan checks the drop path frees all).
    EXPECT_TRUE(WaitUntilNoLookupsInFlight());
    // The point of it all: libpurple forked no resolver child.
    EXPECT_TRUE(testing::HasNoChildren(getpid()));
  }

  // Resolves `name` through libpurple's own API and waits for the answer.
  AddressAnswer ResolveAddress(const std::string& name, int port) {
    std::promise<AddressAnswer> promise;
    std::future<AddressAnswer> answer = promise.get_future();
    host_->Run([&](const OnLoop&) {
      EXPECT_NE(purple_dnsquery_a_account(nullptr, name.c_str(), port,
                                          OnAddresses, &promise),
                nullptr);
    });
    if (answer.wait_for(kAnswerTimeout) != std::future_status::ready) {
      ADD_FAILURE() << "no answer for " << name;
      // The callback would use `promise` later: stop libpurple first.
      host_.reset();
      return {};
    }
    return answer.get();
  }

  // True once every lookup's worker has answered, within kAnswerTimeout.
  bool WaitUntilNoLookupsInFlight() {
    const auto deadline = std::chrono::steady_clock::now() + kAnswerTimeout;
    while (host_->Run([](const OnLoop& loop) {
      return ResolverLookupsInFlight(loop);
    }) > 0) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // Makes TableResolver the default GResolver until the test ends.
  void UseTableResolver() {
    system_resolver_ = g_resolver_get_default();
    table_resolver_ =
        G_RESOLVER(g_object_new(table_resolver_get_type(), nullptr));
    g_resolver_set_default(table_resolver_);
  }

  std::unique_ptr<PurpleHost> host_;
  GResolver* system_resolver_ = nullptr;
  GResolver* table_resolver_ = nullptr;
};

TEST_F(DnsResolverUiOpsTest, LocalhostResolvesToLoopbackWithThePort) {
  AddressAnswer answer = ResolveAddress("localhost", 5222);
  EXPECT_EQ(answer.error, "");
  EXPECT_THAT(answer.addresses, Contains("127.0.0.1 5222"));
}

// GLib answers "localhost" itself; the machine's name goes to getaddrinfo
// (/etc/hosts, then DNS), and the answer is the system's.
TEST_F(DnsResolverUiOpsTest, OwnHostNameResolvesAsTheSystemDoes) {
  const std::string name = g_get_host_name();
  const std::set<std::string> expected = Getaddrinfo(name, 80);
  AddressAnswer answer = ResolveAddress(name, 80);
  EXPECT_EQ(answer.addresses, expected);
  if (expected.empty()) {
    EXPECT_THAT(answer.error, HasSubstr(name));
  }
}

TEST_F(DnsResolverUiOpsTest, NonexistentNameFailsWithAMessageNamingIt) {
  AddressAnswer answer = ResolveAddress("no-such-host.invalid", 5222);
  EXPECT_THAT(answer.addresses, IsEmpty());
  EXPECT_THAT(answer.error, HasSubstr("no-such-host.invalid"));
}

TEST_F(DnsResolverUiOpsTest, ConcurrentLookupsAreAllAnswered) {
  constexpr int kLookups = 40;
  std::vector<std::promise<AddressAnswer>> promises(kLookups);
  std::vector<std::future<AddressAnswer>> answers;
  for (auto& promise : promises) answers.push_back(promise.get_future());
  host_->Run([&](const OnLoop&) {
    for (int i = 0; i < kLookups; ++i) {
      const char* name = i % 2 == 0 ? "localhost" : "no-such-host.invalid";
      purple_dnsquery_a_account(nullptr, name, 1000 + i, OnAddresses,
                                &promises[i]);
    }
  });
  for (int i = 0; i < kLookups; ++i) {
    ASSERT_EQ(answers[i].wait_for(kAnswerTimeout), std::future_status::ready)
        << "lookup " << i;
    AddressAnswer answer = answers[i].get();
    if (i % 2 == 0) {
      EXPECT_THAT(answer.addresses,
                  Contains(absl::StrCat("127.0.0.1 ", 1000 + i)));
    } else {
      EXPECT_THAT(answer.error, Not(IsEmpty()));
    }
  }
}

// libpurple destroys a query whose owner went away (a login cancelled while
// resolving); the worker's answer must then be dropped, not delivered into the
// freed query.
TEST_F(DnsResolverUiOpsTest, AddressLookupDestroyedInFlightNeverCallsBack) {
  host_->Run([](const OnLoop& loop) {
    PurpleDnsQueryData* query = purple_dnsquery_a_account(
        nullptr, "localhost", 5222, NeverCalled, nullptr);
    // libpurple hands the query to the UI op on a later loop iteration. Turn
    // the loop here until it has: the answer cannot have been delivered yet,
    // since that also needs this thread.
    while (ResolverLookupsInFlight(loop) == 0) {
      g_main_context_iteration(nullptr, TRUE);
    }
    purple_dnsquery_destroy(query);
  });
  EXPECT_TRUE(WaitUntilNoLookupsInFlight());
}

// prpl-jabber's lookup at every login without connect_server. No SRV record
// exists for localhost: the callback gets none, with its own data.
TEST_F(DnsResolverUiOpsTest, SrvLookupWithoutRecordsAnswersNone) {
  SrvWait wait;
  std::future<SrvAnswer> answer = wait.promise.get_future();
  host_->Run([&](const OnLoop&) {
    purple_srv_resolve_account(nullptr, "xmpp-client", "tcp", "localhost",
                               OnSrv, &wait);
  });
  ASSERT_EQ(answer.wait_for(kAnswerTimeout), std::future_status::ready);
  SrvAnswer got = answer.get();
  EXPECT_THAT(got.targets, IsEmpty());
  EXPECT_EQ(got.data, &wait);
}

// prpl-jabber's lookup after a failed connection. libpurple's failed path
// would call this callback with the SRV signature (and no data); the resolver
// must end it as libpurple's own does, with the callback's own data. This also
// checks the query layout the resolver relies on for that.
TEST_F(DnsResolverUiOpsTest, TxtLookupWithoutRecordsAnswersNoneWithItsData) {
  TxtWait wait;
  std::future<TxtAnswer> answer = wait.promise.get_future();
  host_->Run([&](const OnLoop&) {
    purple_txt_resolve_account(nullptr, "_xmppconnect", "localhost", OnTxt,
                               &wait);
  });
  ASSERT_EQ(answer.wait_for(kAnswerTimeout), std::future_status::ready);
  TxtAnswer got = answer.get();
  EXPECT_THAT(got.texts, IsEmpty());
  EXPECT_EQ(got.data, &wait);
}

TEST_F(DnsResolverUiOpsTest, SrvRecordsFoundReachTheCallbackSorted) {
  UseTableResolver();
  SrvWait wait;
  std::future<SrvAnswer> answer = wait.promise.get_future();
  host_->Run([&](const OnLoop&) {
    purple_srv_resolve_account(nullptr, "xmpp-client", "tcp", "example.test",
                               OnSrv, &wait);
  });
  ASSERT_EQ(answer.wait_for(kAnswerTimeout), std::future_status::ready);
  SrvAnswer got = answer.get();
  // Lowest priority first; the "." target is not a server.
  EXPECT_THAT(got.targets,
              ElementsAre("a.example.test 5223", "b.example.test 5222"));
  EXPECT_EQ(got.data, &wait);
}

TEST_F(DnsResolverUiOpsTest, TxtRecordsFoundReachTheCallbackJoined) {
  UseTableResolver();
  TxtWait wait;
  std::future<TxtAnswer> answer = wait.promise.get_future();
  host_->Run([&](const OnLoop&) {
    purple_txt_resolve_account(nullptr, "_xmppconnect", "example.test", OnTxt,
                               &wait);
  });
  ASSERT_EQ(answer.wait_for(kAnswerTimeout), std::future_status::ready);
  TxtAnswer got = answer.get();
  EXPECT_THAT(got.texts,
              ElementsAre("_xmpp-client-xbosh=https://bosh.example.test/"));
  EXPECT_EQ(got.data, &wait);
}

TEST_F(DnsResolverUiOpsTest, SrvLookupCancelledInFlightNeverCallsBack) {
  host_->Run([](const OnLoop& loop) {
    PurpleSrvTxtQueryData* query = purple_srv_resolve_account(
        nullptr, "xmpp-client", "tcp", "localhost", SrvNeverCalled, nullptr);
    ASSERT_NE(query, nullptr);
    // The UI op took it at once; its answer needs this thread to arrive.
    EXPECT_EQ(ResolverLookupsInFlight(loop), 1u);
    purple_srv_txt_query_destroy(query);
  });
  EXPECT_TRUE(WaitUntilNoLookupsInFlight());
}

}  // namespace
}  // namespace lilac
