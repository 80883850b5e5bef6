// Fuzzes the translation of lilac events into Spectrum frames: any event, for
// a user with or without rooms and buddies, gives frames (or nothing) without
// crashing, and the text the frames carry is valid UTF-8 that XML can carry
// (Spectrum relays it in stanzas).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "frontend_shim/translate/event_translator.h"
#include "frontend_shim/translate/user_state.h"
#include "frontend_shim/translate/wire_text.h"
#include "google/protobuf/stubs/logging.h"
#include "lilac/v1/lilac.pb.h"
#include "protos/spectrum/protocol.pb.h"

namespace {

using pbnetwork::WrapperMessage;

}  // namespace

// Inputs that do not parse are expected; protobuf's log line for each would
// slow fuzzing a hundredfold.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  lilac::v1::Event event;
  // lilacd only sends events that parse, strings UTF-8 included.
  if (!event.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;

  lilac::shim::UserState user;
  user.user = "alice@example.org";
  user.session = event.session();
  user.connected = data[0] & 1;
  if (data[0] & 2) {
    lilac::shim::RoomState& room = user.rooms["room@conference"];
    room.room = "room@conference";
    room.nickname = "alice";
    room.joined = data[0] & 4;
  }
  if (data[0] & 8) user.buddies["bob"].set_name("bob");
  lilac::shim::DeliveredMessages delivered;
  lilac::shim::EventTranslator translator(
      lilac::shim::EventTranslator::Options{});
  // Twice: the second time sees the state the first left behind.
  for (int round = 0; round < 2; ++round) {
    lilac::shim::EventTranslator::Output out =
        translator.Translate(event, user, delivered, absl::Now());
    for (const WrapperMessage& frame : out.frames) {
      if (!WrapperMessage::Type_IsValid(frame.type())) std::abort();
      std::unique_ptr<google::protobuf::Message> payload =
          lilac::shim::NewTextPayload(frame.type());
      if (payload == nullptr) continue;
      if (!payload->ParsePartialFromString(frame.payload())) std::abort();
      if (const std::string field = lilac::shim::FindInvalidUtf8Field(*payload);
          !field.empty()) {
        fprintf(stderr, "frame %s: field %s is not UTF-8: %s\n",
                WrapperMessage::Type_Name(frame.type()).c_str(), field.c_str(),
                payload->ShortDebugString().c_str());
        std::abort();
      }
      // Nothing left for the XML-safe pass to change.
      if (lilac::shim::MakeXmlSafe(payload.get())) {
        fprintf(stderr, "frame %s carries text XML cannot: %s\n",
                WrapperMessage::Type_Name(frame.type()).c_str(),
                payload->ShortDebugString().c_str());
        std::abort();
      }
    }
  }
  return 0;
}
