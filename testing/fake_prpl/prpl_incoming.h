#ifndef LILAC_TESTING_FAKE_PRPL_PRPL_INCOMING_H_
#define LILAC_TESTING_FAKE_PRPL_PRPL_INCOMING_H_

#include "testing/fake_prpl/fake_network.pb.h"
#include "testing/fake_prpl/prpl_connection.h"

namespace lilac::testing::fake {

// Turns one frame from the server into libpurple calls.
void HandleServerFrame(FakeConnection& connection,
                       const v1::ServerFrame& frame);

// Room frames (prpl_incoming_rooms.cc).
void HandleRoomFrame(FakeConnection& connection, const v1::ServerFrame& frame);

// Opens a question in the host's request UI (prpl_questions.cc); the answer
// goes back as an answer_question frame.
void AskQuestion(FakeConnection& connection, const v1::Question& question);
void CloseQuestion(FakeConnection& connection, const std::string& question_id);

// Message text as HTML, with images appended as <img id="N"> (their imgstore
// ids are added to `image_ids`, to release after delivery).
std::string MessageHtml(
    const std::string& text, v1::MessageFormat format,
    const google::protobuf::RepeatedPtrField<v1::Image>& images,
    std::vector<int>* image_ids);
void ReleaseImages(const std::vector<int>& image_ids);

}  // namespace lilac::testing::fake

#endif  // LILAC_TESTING_FAKE_PRPL_PRPL_INCOMING_H_
