// libpurple's buddy list signals: buddies added, changed (presence, alias,
// icon, privacy) and removed, by us or by the network.
#include <string>

#include "backend/host/buddy_description.h"
#include "backend/host/c_string.h"
#include "backend/host/purple_sessions.h"
#include "backend/host/ui_ops.h"
#include "purple.h"

namespace lilac {
namespace {

LoopSession* SessionOf(PurpleBuddy* buddy) {
  return PurpleSessions::SessionOf(purple_buddy_get_account(buddy));
}

void EmitUpdated(PurpleBuddy* buddy) {
  LoopSession* session = SessionOf(buddy);
  if (session == nullptr) return;
  v1::Event event;
  if (!DescribeBuddy(session->account, OrEmpty(purple_buddy_get_name(buddy)),
                     event.mutable_buddy_updated()->mutable_buddy())) {
    return;
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void BuddyAdded(PurpleBuddy* buddy) { EmitUpdated(buddy); }
void BuddyIconChanged(PurpleBuddy* buddy) { EmitUpdated(buddy); }
void BuddyPrivacyChanged(PurpleBuddy* buddy) { EmitUpdated(buddy); }

void NodeAliased(PurpleBlistNode* node, const char*) {
  if (PURPLE_BLIST_NODE_IS_BUDDY(node)) EmitUpdated(PURPLE_BUDDY(node));
}

void BuddyRemoved(PurpleBuddy* buddy) {
  LoopSession* session = SessionOf(buddy);
  if (session == nullptr) return;
  const std::string name = OrEmpty(purple_buddy_get_name(buddy));
  // The node being removed is still in the list while this signal runs.
  int remaining = 0;
  GSList* nodes = purple_find_buddies(session->account, name.c_str());
  for (GSList* node = nodes; node; node = node->next) {
    if (node->data != buddy) ++remaining;
  }
  g_slist_free(nodes);
  v1::Event event;
  if (remaining > 0) {
    // Still in other groups: an update without this group.
    v1::Buddy* described = event.mutable_buddy_updated()->mutable_buddy();
    DescribeBuddy(session->account, name, described);
    PurpleGroup* group = purple_buddy_get_group(buddy);
    const std::string gone = group ? OrEmpty(purple_group_get_name(group)) : "";
    auto* groups = described->mutable_groups();
    for (auto it = groups->begin(); it != groups->end(); ++it) {
      if (*it == gone) {
        groups->erase(it);
        break;
      }
    }
  } else {
    event.mutable_buddy_removed()->set_name(name);
  }
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

void BuddyStatusChanged(PurpleBuddy* buddy, PurpleStatus*,
                        PurpleStatus* status) {
  LoopSession* session = SessionOf(buddy);
  if (session == nullptr) return;
  v1::Event event;
  v1::BuddyPresenceChanged* changed = event.mutable_buddy_presence_changed();
  changed->set_name(OrEmpty(purple_buddy_get_name(buddy)));
  changed->set_presence(ToPresence(purple_buddy_get_presence(buddy)));
  changed->set_status_message(
      OrEmpty(purple_status_get_attr_string(status, "message")));
  PurpleSessions::Get(OnLoop::InCallback())->Emit(session, std::move(event));
}

// libpurple announces going online or offline with these instead of
// buddy-status-changed.
void BuddySignedOnOrOff(PurpleBuddy* buddy) {
  BuddyStatusChanged(
      buddy, nullptr,
      purple_presence_get_active_status(purple_buddy_get_presence(buddy)));
}

}  // namespace

void InstallBuddyListSignals() {
  void* blist = purple_blist_get_handle();
  purple_signal_connect(blist, "buddy-added", SignalHandle(),
                        PURPLE_CALLBACK(BuddyAdded), nullptr);
  purple_signal_connect(blist, "buddy-removed", SignalHandle(),
                        PURPLE_CALLBACK(BuddyRemoved), nullptr);
  purple_signal_connect(blist, "buddy-icon-changed", SignalHandle(),
                        PURPLE_CALLBACK(BuddyIconChanged), nullptr);
  purple_signal_connect(blist, "buddy-privacy-changed", SignalHandle(),
                        PURPLE_CALLBACK(BuddyPrivacyChanged), nullptr);
  purple_signal_connect(blist, "blist-node-aliased", SignalHandle(),
                        PURPLE_CALLBACK(NodeAliased), nullptr);
  purple_signal_connect(blist, "buddy-status-changed", SignalHandle(),
                        PURPLE_CALLBACK(BuddyStatusChanged), nullptr);
  purple_signal_connect(blist, "buddy-signed-on", SignalHandle(),
                        PURPLE_CALLBACK(BuddySignedOnOrOff), nullptr);
  purple_signal_connect(blist, "buddy-signed-off", SignalHandle(),
                        PURPLE_CALLBACK(BuddySignedOnOrOff), nullptr);
}

}  // namespace lilac
