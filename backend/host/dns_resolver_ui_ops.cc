#include "backend/host/dns_resolver_ui_ops.h"

#include <gio/gio.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "purple.h"

namespace lilac {
namespace {

// One lookup. GResolver always calls back (on the loop thread, through the
// default main context the loop runs), so its callback owns the Lookup and
// deletes it. `query` is cleared once libpurple no longer wants the answer
// (the query was destroyed, or timed out): a late answer is then dropped and
// never touches the freed query.
struct Lookup {
  enum class Kind { kAddress, kSrv, kTxt };

  ~Lookup() { g_object_unref(cancellable); }

  Kind kind = Kind::kAddress;
  void* query = nullptr;  // PurpleDnsQueryData* or PurpleSrvTxtQueryData*
  std::string name;
  int port = 0;  // kAddress: put into each sockaddr
  PurpleDnsQueryResolvedCallback address_resolved = nullptr;
  PurpleDnsQueryFailedCallback address_failed = nullptr;
  PurpleSrvTxtQueryResolvedCallback records_resolved = nullptr;
  PurpleSrvTxtQueryFailedCallback records_failed = nullptr;
  GCancellable* cancellable = g_cancellable_new();
  guint timeout = 0;
};

// The lookups libpurple still waits for, by query; and every lookup whose
// worker has not answered. Loop thread only.
std::unordered_map<void*, Lookup*>& Waiting() {
  static auto* waiting = new std::unordered_map<void*, Lookup*>();
  return *waiting;
}
size_t in_flight = 0;

// Takes the lookup off the waiting list; returns the query if libpurple still
// wants an answer, else null.
void* Claim(Lookup* lookup) {
  if (lookup->timeout != 0) {
    g_source_remove(lookup->timeout);
    lookup->timeout = 0;
  }
  void* query = lookup->query;
  if (query != nullptr) Waiting().erase(query);
  lookup->query = nullptr;
  return query;
}

// libpurple 2.x gives a UI resolver no safe way to say "no TXT records": its
// resolved callback returns early on an empty list (g_return_if_fail), so the
// lookup never ends, and its failed callback calls the TXT callback with the
// SRV signature (NULL, 0, data), so the TXT callback gets 0 as its data and
// prpl-jabber's txt_resolved_cb crashes. libpurple's own resolver calls
// cb(NULL, data) and destroys the query; we do the same, reaching the callback
// through the query's layout (dnssrv.c's _PurpleSrvTxtQueryData, the same
// through 2.x) once the public accessors confirm it.
struct SrvTxtQueryLayout {
  PurpleTxtCallback txt;  // a union with the PurpleSrvCallback
  gpointer extradata;
  guint handle;
  int type;
  char* query;
};

void EndTxtWithoutRecords(PurpleSrvTxtQueryData* query,
                          const std::string& why) {
  const auto* layout = reinterpret_cast<const SrvTxtQueryLayout*>(query);
  if (layout->type != purple_srv_txt_query_get_type(query) ||
      layout->query != purple_srv_txt_query_get_query(query)) {
    // Unknown layout: leaving the query to its owner's cancellation beats a
    // crash. dns_resolver_ui_ops_test checks the layout of the installed
    // libpurple.
    purple_debug_error("dns", "%s; cannot report it (unknown libpurple)\n",
                       why.c_str());
    return;
  }
  purple_debug_info("dns", "%s\n", why.c_str());
  PurpleTxtCallback callback = layout->txt;
  gpointer data = layout->extradata;
  if (callback != nullptr) callback(nullptr, data);
  purple_srv_txt_query_destroy(query);
}

// Ends a lookup libpurple still waits for with `why`.
void Fail(const Lookup& lookup, void* query, const std::string& why) {
  switch (lookup.kind) {
    case Lookup::Kind::kAddress:
      lookup.address_failed(static_cast<PurpleDnsQueryData*>(query),
                            why.c_str());
      break;
    case Lookup::Kind::kSrv:
      // Calls the SRV callback with no records, as libpurple's own does.
      lookup.records_failed(static_cast<PurpleSrvTxtQueryData*>(query),
                            why.c_str());
      break;
    case Lookup::Kind::kTxt:
      EndTxtWithoutRecords(static_cast<PurpleSrvTxtQueryData*>(query), why);
      break;
  }
}

std::string Describe(const Lookup& lookup) {
  switch (lookup.kind) {
    case Lookup::Kind::kAddress:
      return absl::StrCat("the address of ", lookup.name);
    case Lookup::Kind::kSrv:
      return absl::StrCat("SRV records of ", lookup.name);
    case Lookup::Kind::kTxt:
      return absl::StrCat("TXT records of ", lookup.name);
  }
  return lookup.name;
}

gboolean OnTimeout(gpointer data) {
  auto* lookup = static_cast<Lookup*>(data);
  lookup->timeout = 0;
  void* query = Claim(lookup);
  // The worker may stay in getaddrinfo; its answer is dropped.
  g_cancellable_cancel(lookup->cancellable);
  Fail(*lookup, query,
       absl::StrCat("Timed out looking up ", Describe(*lookup), " after ",
                    kResolverTimeoutSeconds, " seconds"));
  return G_SOURCE_REMOVE;
}

// Registers `lookup` as waited for and bounds it; GResolver then owns it.
void Track(Lookup* lookup) {
  Waiting()[lookup->query] = lookup;
  ++in_flight;
  lookup->timeout =
      g_timeout_add_seconds(kResolverTimeoutSeconds, OnTimeout, lookup);
}

// The GSList libpurple expects: an address length, then a g_malloc'ed
// sockaddr, for each address. Null if none converts.
GSList* ToSockaddrs(GList* addresses, int port) {
  GSList* hosts = nullptr;
  for (GList* it = addresses; it != nullptr; it = it->next) {
    GSocketAddress* socket_address =
        g_inet_socket_address_new(G_INET_ADDRESS(it->data), port);
    const gssize size = g_socket_address_get_native_size(socket_address);
    gpointer native = size > 0 ? g_malloc0(size) : nullptr;
    if (native != nullptr &&
        g_socket_address_to_native(socket_address, native, size, nullptr)) {
      hosts = g_slist_prepend(hosts, GSIZE_TO_POINTER(size));
      hosts = g_slist_prepend(hosts, native);
    } else {
      g_free(native);
    }
    g_object_unref(socket_address);
  }
  // Prepended as (sockaddr, length) pairs: reversed, each length leads.
  return g_slist_reverse(hosts);
}

void OnAddresses(GObject* source, GAsyncResult* result, gpointer data) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(data));
  --in_flight;
  GError* error = nullptr;
  GList* addresses =
      g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &error);
  void* query = Claim(lookup.get());
  GSList* hosts = ToSockaddrs(addresses, lookup->port);
  g_resolver_free_addresses(addresses);
  if (query == nullptr) {  // abandoned
    for (GSList* it = hosts; it != nullptr; it = it->next->next) {
      g_free(it->next->data);
    }
    g_slist_free(hosts);
  } else if (hosts == nullptr) {
    Fail(*lookup, query,
         absl::StrCat("Error looking up ", Describe(*lookup), ": ",
                      error != nullptr ? error->message : "no address"));
  } else {
    // libpurple's callback takes the list and everything in it.
    lookup->address_resolved(static_cast<PurpleDnsQueryData*>(query), hosts);
  }
  if (error != nullptr) g_error_free(error);
}

// GResolver's SRV records, (priority, weight, port, target), as the GList of
// g_malloc'ed PurpleSrvResponse libpurple sorts and frees. A target of "."
// means "no such service" (RFC 2782) and is left out.
GList* ToSrvResponses(GList* records) {
  GList* responses = nullptr;
  for (GList* it = records; it != nullptr; it = it->next) {
    guint16 priority = 0, weight = 0, port = 0;
    const gchar* target = nullptr;
    g_variant_get(static_cast<GVariant*>(it->data), "(qqq&s)", &priority,
                  &weight, &port, &target);
    if (target == nullptr || target[0] == '\0' || g_str_equal(target, ".")) {
      continue;
    }
    auto* response = g_new0(PurpleSrvResponse, 1);
    g_strlcpy(response->hostname, target, sizeof(response->hostname));
    response->port = port;
    response->weight = weight;
    response->pref = priority;
    responses = g_list_prepend(responses, response);
  }
  return g_list_reverse(responses);
}

// GResolver's TXT records (each a list of strings, joined as one text) as the
// GList of PurpleTxtResponse the TXT callback frees.
GList* ToTxtResponses(GList* records) {
  GList* responses = nullptr;
  for (GList* it = records; it != nullptr; it = it->next) {
    const gchar** strings = nullptr;
    g_variant_get(static_cast<GVariant*>(it->data), "(^a&s)", &strings);
    auto* response = g_new0(PurpleTxtResponse, 1);
    response->content = g_strjoinv("", const_cast<gchar**>(strings));
    g_free(strings);
    responses = g_list_prepend(responses, response);
  }
  return g_list_reverse(responses);
}

void FreeResponses(Lookup::Kind kind, GList* responses) {
  if (kind == Lookup::Kind::kTxt) {
    g_list_free_full(responses, reinterpret_cast<GDestroyNotify>(
                                    purple_txt_response_destroy));
  } else {
    g_list_free_full(responses, g_free);
  }
}

void OnRecords(GObject* source, GAsyncResult* result, gpointer data) {
  std::unique_ptr<Lookup> lookup(static_cast<Lookup*>(data));
  --in_flight;
  GError* error = nullptr;
  GList* records =
      g_resolver_lookup_records_finish(G_RESOLVER(source), result, &error);
  void* query = Claim(lookup.get());
  GList* responses = lookup->kind == Lookup::Kind::kSrv
                         ? ToSrvResponses(records)
                         : ToTxtResponses(records);
  g_list_free_full(records, reinterpret_cast<GDestroyNotify>(g_variant_unref));
  if (query == nullptr) {  // abandoned
    FreeResponses(lookup->kind, responses);
  } else if (responses == nullptr) {
    // Also "no SRV records", the usual answer: the failed path is how
    // libpurple hears of it (its resolved callback ignores an empty list).
    Fail(*lookup, query,
         absl::StrCat("No ", Describe(*lookup), ": ",
                      error != nullptr ? error->message : "none usable"));
  } else {
    // libpurple sorts SRV records and frees them; the TXT callback frees its.
    lookup->records_resolved(static_cast<PurpleSrvTxtQueryData*>(query),
                             responses);
  }
  if (error != nullptr) g_error_free(error);
}

gboolean ResolveHost(PurpleDnsQueryData* query,
                     PurpleDnsQueryResolvedCallback resolved,
                     PurpleDnsQueryFailedCallback failed) {
  // libpurple answers IP literals itself before asking us.
  auto* lookup = new Lookup();
  lookup->kind = Lookup::Kind::kAddress;
  lookup->query = query;
  lookup->name = purple_dnsquery_get_host(query);
  lookup->port = purple_dnsquery_get_port(query);
  lookup->address_resolved = resolved;
  lookup->address_failed = failed;
  Track(lookup);
  GResolver* resolver = g_resolver_get_default();
  g_resolver_lookup_by_name_async(resolver, lookup->name.c_str(),
                                  lookup->cancellable, OnAddresses, lookup);
  g_object_unref(resolver);
  return TRUE;
}

gboolean ResolveRecords(PurpleSrvTxtQueryData* query,
                        PurpleSrvTxtQueryResolvedCallback resolved,
                        PurpleSrvTxtQueryFailedCallback failed) {
  const bool srv = purple_srv_txt_query_get_type(query) == PurpleDnsTypeSrv;
  auto* lookup = new Lookup();
  lookup->kind = srv ? Lookup::Kind::kSrv : Lookup::Kind::kTxt;
  lookup->query = query;
  // The whole record name: "_xmpp-client._tcp.example.org" for SRV.
  lookup->name = purple_srv_txt_query_get_query(query);
  lookup->records_resolved = resolved;
  lookup->records_failed = failed;
  Track(lookup);
  GResolver* resolver = g_resolver_get_default();
  g_resolver_lookup_records_async(
      resolver, lookup->name.c_str(),
      srv ? G_RESOLVER_RECORD_SRV : G_RESOLVER_RECORD_TXT, lookup->cancellable,
      OnRecords, lookup);
  g_object_unref(resolver);
  return TRUE;
}

// libpurple frees `query` next (a cancelled login, or the end of a lookup we
// answered, which has left the waiting list already).
void Destroy(void* query) {
  auto it = Waiting().find(query);
  if (it == Waiting().end()) return;
  Lookup* lookup = it->second;
  Claim(lookup);
  g_cancellable_cancel(lookup->cancellable);
}

void DestroyAddressQuery(PurpleDnsQueryData* query) { Destroy(query); }
void DestroyRecordsQuery(PurpleSrvTxtQueryData* query) { Destroy(query); }

PurpleDnsQueryUiOps kDnsQueryOps = {
    ResolveHost, DestroyAddressQuery, nullptr, nullptr, nullptr, nullptr,
};

PurpleSrvTxtQueryUiOps kSrvTxtQueryOps = {
    ResolveRecords, DestroyRecordsQuery, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

void InstallResolverUiOps(const OnLoop&) {
  purple_dnsquery_set_ui_ops(&kDnsQueryOps);
  purple_srv_txt_query_set_ui_ops(&kSrvTxtQueryOps);
}

size_t ResolverLookupsInFlight(const OnLoop&) { return in_flight; }

}  // namespace lilac
