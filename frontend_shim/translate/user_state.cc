#include "frontend_shim/translate/user_state.h"

#include <cstdlib>

#include "absl/strings/ascii.h"

namespace lilac::shim {

void UserState::NoteUnread(const std::string& conversation, bool room) {
  unread.emplace(absl::AsciiStrToLower(conversation), room);
}

bool UserState::TakeUnread(const std::string& conversation, bool room) {
  return unread.erase({absl::AsciiStrToLower(conversation), room}) > 0;
}

bool DeliveredMessages::Deliver(const std::string& conversation,
                                const std::string& text, int64_t unix_seconds,
                                bool delayed) {
  std::string key = conversation;
  key.push_back('\0');
  key.append(text);
  if (delayed) {
    auto [first, last] = seen_.equal_range(key);
    for (auto it = first; it != last; ++it) {
      if (std::llabs(it->second - unix_seconds) <= 5) return false;
    }
  }
  order_.push_back(seen_.emplace(std::move(key), unix_seconds));
  if (order_.size() > capacity_) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace lilac::shim
