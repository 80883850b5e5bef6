#include "testing/spectrum_emulator/frame_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "testing/spectrum_emulator/wire_messages.h"

namespace lilac::spectrum {
namespace {

constexpr int kMaxFramesInErrors = 20;

}  // namespace

void FrameLog::Add(pbnetwork::WrapperMessage wrapper) {
  absl::MutexLock lock(&mutex_);
  entries_.push_back({std::move(wrapper), false});
}

void FrameLog::AddViolation(std::string what) {
  absl::MutexLock lock(&mutex_);
  violations_.push_back(std::move(what));
}

void FrameLog::SetDisconnected(std::string reason) {
  absl::MutexLock lock(&mutex_);
  if (!disconnect_reason_) disconnect_reason_ = std::move(reason);
}

void FrameLog::AllowDisconnect() {
  absl::MutexLock lock(&mutex_);
  disconnect_allowed_ = true;
}

absl::StatusOr<pbnetwork::WrapperMessage> FrameLog::WaitFor(
    pbnetwork::WrapperMessage::Type type, const Predicate& predicate,
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mutex_);
  size_t checked = first_untaken_;
  while (true) {
    absl::Status health = HealthLocked();
    if (!health.ok()) return health;
    for (; checked < entries_.size(); ++checked) {
      Entry& entry = entries_[checked];
      if (entry.taken || entry.wrapper.type() != type) continue;
      if (predicate && !predicate(entry.wrapper)) continue;
      entry.taken = true;
      while (first_untaken_ < entries_.size() &&
             entries_[first_untaken_].taken) {
        ++first_untaken_;
      }
      return entry.wrapper;
    }
    if (disconnect_reason_) {
      return absl::UnavailableError(absl::StrCat(
          "no matching ", TypeName(type), " before the backend disconnected (",
          *disconnect_reason_,
          "); unclaimed frames: ", DescribeUntakenLocked()));
    }
    const size_t seen = entries_.size();
    auto changed = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return entries_.size() != seen || disconnect_reason_.has_value() ||
             !violations_.empty();
    };
    if (!mutex_.AwaitWithDeadline(absl::Condition(&changed), deadline)) {
      return absl::DeadlineExceededError(
          absl::StrCat("no matching ", TypeName(type), " within ",
                       absl::FormatDuration(timeout),
                       "; unclaimed frames: ", DescribeUntakenLocked()));
    }
  }
}

absl::Status FrameLog::WaitForDisconnect(absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  disconnect_allowed_ = true;
  auto disconnected = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return disconnect_reason_.has_value();
  };
  if (!mutex_.AwaitWithTimeout(absl::Condition(&disconnected), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat(
        "backend still connected after ", absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

absl::Status FrameLog::Health() {
  absl::MutexLock lock(&mutex_);
  return HealthLocked();
}

absl::Status FrameLog::HealthLocked() {
  if (!violations_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backend broke the protocol: ", absl::StrJoin(violations_, "; ")));
  }
  if (disconnect_reason_ && !disconnect_allowed_) {
    return absl::UnavailableError(
        absl::StrCat("backend disconnected unexpectedly (", *disconnect_reason_,
                     "); unclaimed frames: ", DescribeUntakenLocked()));
  }
  return absl::OkStatus();
}

std::string FrameLog::DescribeUntakenLocked() {
  std::vector<std::string> lines;
  int skipped = 0;
  for (const Entry& entry : entries_) {
    if (entry.taken) continue;
    if (lines.size() == kMaxFramesInErrors) {
      ++skipped;
      continue;
    }
    lines.push_back(DescribeFrame(entry.wrapper));
  }
  if (lines.empty()) return "none";
  std::string text = absl::StrJoin(lines, " | ");
  if (skipped > 0) absl::StrAppend(&text, " | ... and ", skipped, " more");
  return text;
}

bool FrameLog::disconnected() {
  absl::MutexLock lock(&mutex_);
  return disconnect_reason_.has_value();
}

std::vector<pbnetwork::WrapperMessage> FrameLog::Frames() {
  absl::MutexLock lock(&mutex_);
  std::vector<pbnetwork::WrapperMessage> frames;
  for (const Entry& entry : entries_) frames.push_back(entry.wrapper);
  return frames;
}

std::vector<std::string> FrameLog::Violations() {
  absl::MutexLock lock(&mutex_);
  return violations_;
}

int FrameLog::CountOf(pbnetwork::WrapperMessage::Type type) {
  absl::MutexLock lock(&mutex_);
  int count = 0;
  for (const Entry& entry : entries_) count += entry.wrapper.type() == type;
  return count;
}

}  // namespace lilac::spectrum
