#include "backend/host/account_settings_watch.h"

#include <cstring>
#include <utility>

#include "backend/host/eventloop_ops.h"
#include "common/log/log.h"
#include "glib.h"

namespace lilac {
namespace {

// libpurple 2's PurpleAccountSetting (private to account.c; the same in every
// 2.x release). WatchAccountSettings checks it against libpurple's own
// getters before anything reads through it.
struct PurpleAccountSettingLayout {
  PurplePrefType type;
  char* ui;
  union {
    int integer;
    char* string;
    gboolean boolean;
  } value;
};

// Tries after start: libpurple's own set-up schedules a save, and while it is
// pending a probe's setters add no timer to recognise.
constexpr guint kLearnRetrySeconds = 6;
constexpr int kLearnAttempts = 5;

bool layout_checked = false;
int learn_attempts = 0;
guint learn_retry = 0;
GSourceFunc accounts_save_callback = nullptr;
bool learning_save_callback = false;
std::function<void()>* on_save_scheduled = nullptr;
guint pending_report = 0;

void ObserveTimer(GSourceFunc callback, bool) {
  if (learning_save_callback) {
    accounts_save_callback = callback;
    return;
  }
  if (callback != accounts_save_callback || on_save_scheduled == nullptr ||
      pending_report != 0) {
    return;
  }
  // After the plugin's current callback: it may set several values in a row.
  pending_report = g_idle_add(
      [](gpointer) -> gboolean {
        pending_report = 0;
        if (on_save_scheduled != nullptr) (*on_save_scheduled)();
        return G_SOURCE_REMOVE;
      },
      nullptr);
}

const PurpleAccountSettingLayout* SettingOf(PurpleAccount* account,
                                            const char* key) {
  return static_cast<const PurpleAccountSettingLayout*>(
      g_hash_table_lookup(account->settings, key));
}

bool LayoutMatches(PurpleAccount* probe) {
  purple_account_set_string(probe, "lilac-string", "lilac");
  purple_account_set_int(probe, "lilac-int", 4242);
  purple_account_set_bool(probe, "lilac-bool", TRUE);
  const PurpleAccountSettingLayout* text = SettingOf(probe, "lilac-string");
  const PurpleAccountSettingLayout* number = SettingOf(probe, "lilac-int");
  const PurpleAccountSettingLayout* flag = SettingOf(probe, "lilac-bool");
  return text != nullptr && number != nullptr && flag != nullptr &&
         text->type == PURPLE_PREF_STRING && text->ui == nullptr &&
         text->value.string ==
             purple_account_get_string(probe, "lilac-string", nullptr) &&
         number->type == PURPLE_PREF_INT && number->value.integer == 4242 &&
         flag->type == PURPLE_PREF_BOOLEAN && flag->value.boolean == TRUE;
}

// Sets values on an account libpurple never lists (its setters still
// schedule the save) and reads them back through the layout. True when the
// layout matches; learns the save timer's callback if one was scheduled.
bool Probe() {
  // purple_account_new schedules the save already (it sets the username).
  learning_save_callback = true;
  PurpleAccount* probe =
      purple_account_new("lilac-probe@invalid", "prpl-lilac-probe");
  const bool matches = LayoutMatches(probe);
  learning_save_callback = false;
  // Accounts of an unknown protocol get no presence, which destroy expects.
  if (probe->presence == nullptr) {
    probe->presence = purple_presence_new_for_account(probe);
  }
  purple_account_destroy(probe);
  return matches;
}

gboolean RetryLearning(gpointer) {
  Probe();
  if (accounts_save_callback != nullptr || ++learn_attempts >= kLearnAttempts) {
    learn_retry = 0;
  }
  if (accounts_save_callback != nullptr) return G_SOURCE_REMOVE;
  if (learn_attempts < kLearnAttempts) return G_SOURCE_CONTINUE;
  log::Warning("settings",
               "libpurple's accounts save timer not recognised: changed "
               "settings are compared only at sign-on, disconnect and "
               "logout");
  return G_SOURCE_REMOVE;
}

}  // namespace

bool WatchAccountSettings(const OnLoop&, std::function<void()> on_scheduled) {
  ObserveSecondsTimers(ObserveTimer);
  layout_checked = Probe();
  if (!layout_checked) {
    ObserveSecondsTimers(nullptr);
    log::Warning("settings",
                 "this libpurple keeps account settings in another layout: "
                 "settings plugins change are not reported");
    return false;
  }
  if (accounts_save_callback == nullptr) {
    // Not through libpurple's event loop ops: this timer is not observed.
    learn_attempts = 0;
    learn_retry =
        g_timeout_add_seconds(kLearnRetrySeconds, RetryLearning, nullptr);
  }
  delete on_save_scheduled;
  on_save_scheduled = new std::function<void()>(std::move(on_scheduled));
  return true;
}

AccountSettings SnapshotAccountSettings(PurpleAccount* account) {
  AccountSettings settings;
  if (!layout_checked || account == nullptr || account->settings == nullptr) {
    return settings;
  }
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, account->settings);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const auto* setting = static_cast<const PurpleAccountSettingLayout*>(value);
    v1::AccountSetting& out = settings[static_cast<const char*>(key)];
    out.set_key(static_cast<const char*>(key));
    switch (setting->type) {
      case PURPLE_PREF_INT:
        out.set_int_value(setting->value.integer);
        break;
      case PURPLE_PREF_BOOLEAN:
        out.set_bool_value(setting->value.boolean != FALSE);
        break;
      case PURPLE_PREF_STRING:
        out.set_string_value(setting->value.string ? setting->value.string
                                                   : "");
        break;
      default:
        settings.erase(static_cast<const char*>(key));
        break;
    }
  }
  return settings;
}

std::optional<v1::AccountSettingsChanged> DiffAccountSettings(
    const AccountSettings& before, const AccountSettings& after) {
  v1::AccountSettingsChanged changed;
  for (const auto& [key, setting] : after) {
    auto old = before.find(key);
    if (old != before.end() &&
        old->second.SerializeAsString() == setting.SerializeAsString()) {
      continue;
    }
    v1::AccountSetting* reported = changed.add_settings();
    *reported = setting;
    reported->set_secret(true);
  }
  for (const auto& [key, setting] : before) {
    if (after.count(key) == 0) changed.add_removed_keys(key);
  }
  if (changed.settings().empty() && changed.removed_keys().empty()) {
    return std::nullopt;
  }
  return changed;
}

void StopWatchingAccountSettings() {
  if (learn_retry != 0) g_source_remove(learn_retry);
  if (pending_report != 0) g_source_remove(pending_report);
  learn_retry = pending_report = 0;
  ObserveSecondsTimers(nullptr);
  delete on_save_scheduled;
  on_save_scheduled = nullptr;
}

}  // namespace lilac
