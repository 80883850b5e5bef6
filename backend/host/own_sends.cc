#include "backend/host/own_sends.h"

#include <utility>

#include "absl/strings/ascii.h"

namespace lilac {
namespace {

// Plugins and servers may add or drop surrounding whitespace on the way back.
absl::string_view Core(const std::string& text) {
  return absl::StripAsciiWhitespace(text);
}

}  // namespace

void OwnSends::Note(const Conversation& to, const std::string& text,
                    const std::string& client_message_id, absl::Time now) {
  Expire(now);
  if (sends_.size() == kMaxKept) sends_.pop_front();
  sends_.push_back(Send{to, text, client_message_id, now});
}

bool OwnSends::Take(const Conversation& to, const std::string& text,
                    absl::Time now, std::string* client_message_id) {
  Expire(now);
  for (auto it = sends_.begin(); it != sends_.end(); ++it) {
    if (it->to.chat == to.chat && it->to.name == to.name &&
        Core(it->text) == Core(text)) {
      if (client_message_id != nullptr) {
        *client_message_id = std::move(it->client_message_id);
      }
      sends_.erase(it);
      return true;
    }
  }
  return false;
}

void OwnSends::Expire(absl::Time now) {
  while (!sends_.empty() && now - sends_.front().when > kKeepFor) {
    sends_.pop_front();
  }
}

}  // namespace lilac
