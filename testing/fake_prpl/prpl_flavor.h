#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_FLAVOR_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_FLAVOR_H_

namespace lilac::testing::fake {

// Which plugin this shared object is. Each .so links its own copy of the
// plugin code (symbols hidden), so one process-wide flavor per copy is right.
struct PrplFlavor {
  const char* id;         // "prpl-fake"
  const char* name;       // shown to users
  const char* list_icon;  // list_icon's answer
  // prpl-fake-facebook's options and quirks: numeric chat ids joined by
  // `name`, replay of unread messages, mark-read on focus, held messages from
  // unknown senders, HTML stripped from outgoing text.
  bool facebook;
};

inline constexpr PrplFlavor kFakeFlavor = {"prpl-fake", "Fake", "fake", false};
inline constexpr PrplFlavor kFakeFacebookFlavor = {
    "prpl-fake-facebook", "Fake Facebook", "facebook", true};

// Set once by purple_init_plugin.
void SetFlavor(const PrplFlavor& flavor);
const PrplFlavor& Flavor();

// The chat component naming a room: "name" for Facebook, "room" otherwise.
const char* RoomComponent();

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_FLAVOR_H_
