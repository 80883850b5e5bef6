#ifndef LILAC_BACKEND_HOST_ACCOUNT_SETTINGS_WATCH_H_
#define LILAC_BACKEND_HOST_ACCOUNT_SETTINGS_WATCH_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "backend/host/purple_host.h"
#include "lilac/v1/events.pb.h"
#include "lilac/v1/sessions.pb.h"
#include "purple.h"

namespace lilac {

// An account's settings as libpurple holds them, by key (secret values: never
// log them).
using AccountSettings = std::map<std::string, v1::AccountSetting>;

// libpurple 2 has no signal for a changed account setting: plugins' tokens and
// device ids are found by comparing snapshots. Checks once that libpurple's
// private layout of a setting is the one this code reads, and learns which
// timer libpurple uses to save its accounts (every setter schedules it), so
// that `on_save_scheduled` runs soon after each batch of changes and again when
// the timer fires. Returns false, with a warning logged, when the layout is
// not the expected one: then snapshots are empty and nothing is reported.
bool WatchAccountSettings(const OnLoop& loop,
                          std::function<void()> on_save_scheduled);

// Stops what WatchAccountSettings started, before libpurple quits. Loop
// thread only.
void StopWatchingAccountSettings();

// The account's settings now (empty if WatchAccountSettings failed). Loop
// thread only: called from libpurple's callbacks, which carry no OnLoop yet.
AccountSettings SnapshotAccountSettings(PurpleAccount* account);

// What changed from `before` to `after`, with every value marked secret; none
// when nothing did.
std::optional<v1::AccountSettingsChanged> DiffAccountSettings(
    const AccountSettings& before, const AccountSettings& after);

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_ACCOUNT_SETTINGS_WATCH_H_
