#ifndef LILAC_TESTING_INTEGRATION_EVENT_MATCHERS_H_
#define LILAC_TESTING_INTEGRATION_EVENT_MATCHERS_H_

#include <functional>
#include <memory>
#include <vector>

#include "lilac/v1/events.pb.h"

namespace lilac::testing {

// For LilacClient::WaitFor when events of several sessions interleave: matches
// once every predicate has matched some event, in any order.
inline std::function<bool(const v1::Event&)> AllSeen(
    std::vector<std::function<bool(const v1::Event&)>> predicates) {
  auto pending =
      std::make_shared<std::vector<std::function<bool(const v1::Event&)>>>(
          std::move(predicates));
  return [pending](const v1::Event& event) {
    for (auto it = pending->begin(); it != pending->end(); ++it) {
      if ((*it)(event)) {
        pending->erase(it);
        break;
      }
    }
    return pending->empty();
  };
}

}  // namespace lilac::testing

#endif  // LILAC_TESTING_INTEGRATION_EVENT_MATCHERS_H_
