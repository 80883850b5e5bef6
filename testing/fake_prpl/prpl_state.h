#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_STATE_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_STATE_H_

#include <cstdint>
#include <string>

#include "purple.h"

namespace lilac::testing::fake {

// State the plugin keeps on disk under purple_user_dir(), as real plugins do
// (telegram-purple's auth key in a directory of its own, purple-lurch's
// <user>_db.sqlite directly in the user dir).
struct DiskState {
  // <user dir>/fake-devices/<username>/device, created (directories 0700,
  // file 0600) at the first connect. Empty if it could not be read or
  // written.
  std::string device_id;
  // <user dir>/<username>_logins.txt, incremented at each connect (file
  // 0600). 0 if it could not be written.
  uint32_t login_count = 0;
};

// Reads the device id (creating it if needed) and increments the login
// counter of `account`. Never fails: problems are logged and leave the
// corresponding field empty.
DiskState LoadDiskStateForLogin(PurpleAccount* account);

// Keeps the token the server issued at login, as purple-discord and
// purple-facebook keep refresh tokens: account strings the plugin never
// declares, changed at run time ("session-token", and "token-generation"
// counting the tokens stored).
void StoreSessionToken(PurpleAccount* account, const std::string& token);

// The stored token, or empty.
std::string StoredSessionToken(PurpleAccount* account);

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_STATE_H_
