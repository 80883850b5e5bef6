// PurpleSessions: the buddy list and authorization commands.
#include "absl/strings/str_cat.h"
#include "backend/host/buddy_description.h"
#include "backend/host/c_string.h"
#include "backend/host/message_conversion.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"

namespace lilac {
namespace {

constexpr char kDefaultGroup[] = "Buddies";

absl::Status NoBuddy(const std::string& session, const std::string& name) {
  return absl::NotFoundError(
      absl::StrCat("session ", session, " has no buddy ", name));
}

PurpleGroup* GroupNamed(const std::string& name) {
  PurpleGroup* group = purple_find_group(name.c_str());
  if (group == nullptr) {
    group = purple_group_new(name.c_str());
    purple_blist_add_group(group, nullptr);
  }
  return group;
}

// Puts `name` in exactly `groups`: adds missing nodes (telling the server),
// removes others. Returns whether it added a node.
bool SetGroups(PurpleAccount* account, const std::string& name,
               const google::protobuf::RepeatedPtrField<std::string>& groups,
               const std::string& alias) {
  std::vector<std::string> wanted(groups.begin(), groups.end());
  if (wanted.empty()) wanted.push_back(kDefaultGroup);
  bool added = false;
  GSList* nodes = purple_find_buddies(account, name.c_str());
  std::vector<PurpleBuddy*> existing;
  for (GSList* node = nodes; node; node = node->next) {
    existing.push_back(static_cast<PurpleBuddy*>(node->data));
  }
  g_slist_free(nodes);

  for (const std::string& group_name : wanted) {
    bool present = false;
    for (PurpleBuddy* buddy : existing) {
      present |= group_name ==
                 OrEmpty(purple_group_get_name(purple_buddy_get_group(buddy)));
    }
    if (present) continue;
    PurpleBuddy* buddy = purple_buddy_new(
        account, name.c_str(), alias.empty() ? nullptr : alias.c_str());
    purple_blist_add_buddy(buddy, nullptr, GroupNamed(group_name), nullptr);
    purple_account_add_buddy(account, buddy);
    added = true;
  }
  for (PurpleBuddy* buddy : existing) {
    PurpleGroup* group = purple_buddy_get_group(buddy);
    const std::string group_name = OrEmpty(purple_group_get_name(group));
    if (std::find(wanted.begin(), wanted.end(), group_name) != wanted.end()) {
      continue;
    }
    purple_account_remove_buddy(account, buddy, group);
    purple_blist_remove_buddy(buddy);
  }
  return added;
}

}  // namespace

absl::StatusOr<v1::ListBuddiesResponse> PurpleSessions::ListBuddies(
    const OnLoop&, const v1::ListBuddiesRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  v1::ListBuddiesResponse response;
  std::set<std::string> seen;
  GSList* buddies = purple_find_buddies((*session)->account, nullptr);
  for (GSList* node = buddies; node; node = node->next) {
    const std::string name =
        OrEmpty(purple_buddy_get_name(static_cast<PurpleBuddy*>(node->data)));
    if (!seen.insert(name).second) continue;
    DescribeBuddy((*session)->account, name, response.add_buddies());
  }
  g_slist_free(buddies);
  return response;
}

absl::StatusOr<v1::AddBuddyResponse> PurpleSessions::AddBuddy(
    const OnLoop&, const v1::AddBuddyRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  // No groups: a new buddy goes to "Buddies", an existing one stays where it
  // is (UpdateBuddy moves buddies).
  const bool keep_groups =
      request.groups().empty() &&
      purple_find_buddy(account, request.name().c_str()) != nullptr;
  if (keep_groups ||
      !SetGroups(account, request.name(), request.groups(), request.alias())) {
    // Already on the list, possibly without our asking: XMPP puts a contact
    // whose subscription we granted on our roster. Adding must still reach
    // the server, as Pidgin's add-buddy does, or such a contact's presence
    // could never be requested (prpl-jabber subscribes in add_buddy).
    if (PurpleBuddy* buddy =
            purple_find_buddy(account, request.name().c_str())) {
      purple_account_add_buddy(account, buddy);
    }
  }
  if (!request.alias().empty()) {
    GSList* nodes = purple_find_buddies(account, request.name().c_str());
    for (GSList* node = nodes; node; node = node->next) {
      purple_blist_alias_buddy(static_cast<PurpleBuddy*>(node->data),
                               request.alias().c_str());
    }
    g_slist_free(nodes);
    serv_alias_buddy(purple_find_buddy(account, request.name().c_str()));
  }
  v1::AddBuddyResponse response;
  DescribeBuddy(account, request.name(), response.mutable_buddy());
  return response;
}

absl::StatusOr<v1::RemoveBuddyResponse> PurpleSessions::RemoveBuddy(
    const OnLoop&, const v1::RemoveBuddyRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  GSList* nodes = purple_find_buddies(account, request.name().c_str());
  if (nodes == nullptr) return NoBuddy(request.session(), request.name());
  for (GSList* node = nodes; node; node = node->next) {
    auto* buddy = static_cast<PurpleBuddy*>(node->data);
    purple_account_remove_buddy(account, buddy, purple_buddy_get_group(buddy));
    purple_blist_remove_buddy(buddy);
  }
  g_slist_free(nodes);
  return v1::RemoveBuddyResponse();
}

absl::StatusOr<v1::UpdateBuddyResponse> PurpleSessions::UpdateBuddy(
    const OnLoop&, const v1::UpdateBuddyRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  PurpleBuddy* buddy = purple_find_buddy(account, request.name().c_str());
  if (buddy == nullptr) return NoBuddy(request.session(), request.name());
  // AIP-134: without a mask, the fields that are set.
  bool change_alias = !request.alias().empty();
  bool change_groups = request.groups_size() > 0;
  // An empty mask is no mask (some libraries always send one).
  if (request.update_mask().paths_size() > 0) {
    change_alias = change_groups = false;
    for (const std::string& path : request.update_mask().paths()) {
      change_alias |= path == "alias";
      change_groups |= path == "groups";
    }
  }
  if (change_alias) {
    GSList* nodes = purple_find_buddies(account, request.name().c_str());
    for (GSList* node = nodes; node; node = node->next) {
      purple_blist_alias_buddy(static_cast<PurpleBuddy*>(node->data),
                               request.alias().c_str());
    }
    g_slist_free(nodes);
    serv_alias_buddy(buddy);
  }
  if (change_groups) {
    SetGroups(account, request.name(), request.groups(),
              OrEmpty(purple_buddy_get_alias_only(buddy)));
  }
  v1::UpdateBuddyResponse response;
  DescribeBuddy(account, request.name(), response.mutable_buddy());
  v1::Event event;
  *event.mutable_buddy_updated()->mutable_buddy() = response.buddy();
  Emit(*session, std::move(event));
  return response;
}

absl::StatusOr<v1::SetBuddyBlockedResponse> PurpleSessions::SetBuddyBlocked(
    const OnLoop&, const v1::SetBuddyBlockedRequest& request) {
  absl::StatusOr<LoopSession*> session = FindConnected(request.session());
  if (!session.ok()) return session.status();
  PurpleAccount* account = (*session)->account;
  // Blocking works for anyone, buddy or not; the privacy API tells the server.
  if (request.blocked()) {
    purple_privacy_deny(account, request.name().c_str(), FALSE, FALSE);
  } else {
    purple_privacy_allow(account, request.name().c_str(), FALSE, FALSE);
  }
  v1::SetBuddyBlockedResponse response;
  if (!DescribeBuddy(account, request.name(), response.mutable_buddy())) {
    response.mutable_buddy()->set_name(request.name());
    response.mutable_buddy()->set_presence(v1::PRESENCE_OFFLINE);
    response.mutable_buddy()->set_blocked(
        !purple_privacy_check(account, request.name().c_str()));
  }
  return response;
}

absl::StatusOr<v1::GetBuddyIconResponse> PurpleSessions::GetBuddyIcon(
    const OnLoop&, const v1::GetBuddyIconRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  PurpleBuddy* buddy =
      purple_find_buddy((*session)->account, request.name().c_str());
  if (buddy == nullptr) return NoBuddy(request.session(), request.name());
  v1::GetBuddyIconResponse response;
  response.set_data(BuddyIconBytes(buddy));
  if (response.data().empty()) {
    return absl::NotFoundError(absl::StrCat(request.name(), " has no icon"));
  }
  response.set_mime_type(GuessMimeType(response.data()));
  response.set_sha1(Sha1Hex(response.data()));
  return response;
}

absl::Status PurpleSessions::AnswerAuthorization(
    const OnLoop&, const v1::AnswerAuthorizationRequest& request) {
  absl::StatusOr<LoopSession*> session = Find(request.session());
  if (!session.ok()) return session.status();
  auto it = (*session)->authorizations.find(request.authorization_id());
  if (it == (*session)->authorizations.end()) {
    return absl::NotFoundError(absl::StrCat(
        "no open authorization request ", request.authorization_id(),
        " (already answered or withdrawn)"));
  }
  PendingAuthorization pending = it->second;
  (*session)->authorizations.erase(it);
  PurpleAccountRequestAuthorizationCb callback =
      request.accept() ? pending.authorize : pending.deny;
  if (callback != nullptr) callback(pending.user_data);
  DeleteAuthorizationHandle(pending.ui_handle);
  return absl::OkStatus();
}

void PurpleSessions::ForgetAuthorization(const std::string& key, uint64_t id) {
  auto it = sessions_.find(key);
  if (it != sessions_.end()) it->second->authorizations.erase(id);
}

}  // namespace lilac
