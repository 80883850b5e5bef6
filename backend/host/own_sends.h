#ifndef LILAC_BACKEND_HOST_OWN_SENDS_H_
#define LILAC_BACKEND_HOST_OWN_SENDS_H_

#include <cstddef>
#include <deque>
#include <string>

#include "absl/time/time.h"

namespace lilac {

// What one session recently handed to its plugin, so that a message the plugin
// writes back with libpurple's SEND flag can be told apart: the echo of our
// own send (a plugin's local echo, a room's reflection) or a message the same
// account sent from another client (a carbon). Flags cannot tell them apart:
// the XMPP carbons plugin and IRC's local echo both write SEND alone.
class OwnSends {
 public:
  // Where a message went: a buddy or a room, by the plugin's normalized name.
  struct Conversation {
    bool chat = false;
    std::string name;
  };

  // Remembers that `text` (plain text, as the echo would be converted) was
  // handed to the plugin for `to`, with the client's id for it.
  void Note(const Conversation& to, const std::string& text,
            const std::string& client_message_id, absl::Time now);

  // Whether a message written back for `to` is the echo of a noted send; if
  // so it is forgotten (each send is echoed at most once) and its client id
  // stored in `client_message_id` when given.
  bool Take(const Conversation& to, const std::string& text, absl::Time now,
            std::string* client_message_id = nullptr);

  size_t size() const { return sends_.size(); }

  // Sends not echoed within this long never will be (most plugins do not
  // echo IMs at all); bounded in number too.
  static constexpr absl::Duration kKeepFor = absl::Minutes(2);
  static constexpr size_t kMaxKept = 256;

 private:
  struct Send {
    Conversation to;
    std::string text;
    std::string client_message_id;
    absl::Time when;
  };
  void Expire(absl::Time now);

  std::deque<Send> sends_;
};

}  // namespace lilac

#endif  // LILAC_BACKEND_HOST_OWN_SENDS_H_
