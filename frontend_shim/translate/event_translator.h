#ifndef LILAC_FRONTEND_SHIM_TRANSLATE_EVENT_TRANSLATOR_H_
#define LILAC_FRONTEND_SHIM_TRANSLATE_EVENT_TRANSLATOR_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "frontend_shim/translate/user_state.h"
#include "frontend_shim/web_storage/web_storage.h"
#include "lilac/v1/lilac.pb.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {

// Turns lilac events of one user's session into the frames Spectrum expects
// (spectrum-backend-protocol.md §7), updating the user's state. Only frame
// types Spectrum handles from a backend are produced, always with their
// required fields and an explicit Buddy.status.
class EventTranslator {
 public:
  struct Options {
    // The helper contact interactive requests and notices come from.
    std::string request_contact = "lilac-requests";
    WebStorage* web_storage = nullptr;  // not owned; may be disabled
  };

  // What an event produced.
  struct Output {
    std::vector<pbnetwork::WrapperMessage> frames;
    // The session just connected: apply what was queued before.
    bool connected = false;
    // Files to fetch and offer (FileReceived).
    std::vector<v1::FileReceived> files;
    // Lines worth logging (gaps, dropped replays...).
    std::vector<std::string> log;
    // Lines for the operator's attention: events the user will never get.
    std::vector<std::string> warnings;
  };

  explicit EventTranslator(Options options) : options_(std::move(options)) {}

  Output Translate(const v1::Event& event, UserState& user,
                   DeliveredMessages& delivered, absl::Time now) const;

  // A chat message from the helper contact, announcing it to the roster
  // first if needed.
  void AddHelperMessage(UserState& user, const std::string& text,
                        std::vector<pbnetwork::WrapperMessage>* frames) const;

  const Options& options() const { return options_; }

 private:
  Output TranslateEvent(const v1::Event& event, UserState& user,
                        DeliveredMessages& delivered, absl::Time now) const;
  Options options_;
};

pbnetwork::WrapperMessage WrapFrame(pbnetwork::WrapperMessage::Type type,
                                    const google::protobuf::Message& payload);

// An empty message of the payload type frames of `type` carry text in, or
// null for types without text.
std::unique_ptr<google::protobuf::Message> NewTextPayload(
    pbnetwork::WrapperMessage::Type type);

// Spectrum's ROOM_LIST of `user` (a JID) for a ListChats answer, XML-safe;
// none for an empty list.
std::optional<pbnetwork::WrapperMessage> ChatListFrame(
    const std::string& user, const v1::ListChatsResponse& list);

// Makes the text of `frames` XML-safe (see MakeXmlSafe).
void MakeFramesXmlSafe(std::vector<pbnetwork::WrapperMessage>* frames,
                       size_t from = 0);

pbnetwork::StatusType StatusFromPresence(v1::Presence presence);
v1::Presence PresenceFromStatus(pbnetwork::StatusType status);
// Spectrum's ConnectionError number for lilac's reason (reason - 1).
int ConnectionErrorFromReason(v1::DisconnectReason reason);

}  // namespace lilac::shim

#endif  // LILAC_FRONTEND_SHIM_TRANSLATE_EVENT_TRANSLATOR_H_
