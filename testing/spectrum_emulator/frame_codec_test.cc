#include "testing/spectrum_emulator/frame_codec.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "testing/spectrum_emulator/wire_messages.h"

namespace lilac::spectrum {
namespace {

using pbnetwork::WrapperMessage;

// Pulls every complete frame out of `splitter`.
std::vector<std::string> Drain(FrameSplitter& splitter) {
  std::vector<std::string> bodies;
  while (true) {
    absl::StatusOr<std::optional<std::string>> body = splitter.Next();
    EXPECT_TRUE(body.ok()) << body.status();
    if (!body.ok() || !body->has_value()) return bodies;
    bodies.push_back(**body);
  }
}

TEST(FrameCodecTest, MatchesTheProtocolDocumentsWorkedExamples) {
  // §3.1: PING, PONG and EXIT frames byte for byte.
  EXPECT_EQ(EncodeFrame(Wrap(WrapperMessage::TYPE_PING)),
            std::string("\x00\x00\x00\x02\x08\x09", 6));
  EXPECT_EQ(EncodeFrame(Wrap(WrapperMessage::TYPE_PONG)),
            std::string("\x00\x00\x00\x02\x08\x0a", 6));
  EXPECT_EQ(EncodeFrame(Wrap(WrapperMessage::TYPE_EXIT)),
            std::string("\x00\x00\x00\x02\x08\x1d", 6));
}

TEST(FrameCodecTest, LengthIsBigEndianAndExcludesTheHeader) {
  const std::string frame = EncodeFrameBody(std::string(0x010203, 'x'));
  EXPECT_EQ(frame.substr(0, 4), std::string("\x00\x01\x02\x03", 4));
  EXPECT_EQ(frame.size(), 4u + 0x010203);
}

TEST(FrameCodecTest, ReassemblesFramesSplitIntoSingleBytes) {
  const std::string stream = EncodeFrameBody("first") + EncodeFrameBody("") +
                             EncodeFrameBody("second");
  FrameSplitter splitter;
  std::vector<std::string> bodies;
  for (char byte : stream) {
    splitter.Append(std::string(1, byte));
    for (std::string& body : Drain(splitter)) bodies.push_back(body);
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "", "second"}));
  EXPECT_EQ(splitter.buffered(), 0u);
}

TEST(FrameCodecTest, SplitsCoalescedFramesAndKeepsThePartialTail) {
  const std::string third = EncodeFrameBody("three");
  FrameSplitter splitter;
  splitter.Append(EncodeFrameBody("one") + EncodeFrameBody("two") +
                  third.substr(0, 6));
  EXPECT_EQ(Drain(splitter), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(splitter.buffered(), 6u);
  splitter.Append(third.substr(6));
  EXPECT_EQ(Drain(splitter), (std::vector<std::string>{"three"}));
}

TEST(FrameCodecTest, ManyFramesThroughOneSplitter) {
  FrameSplitter splitter;
  std::string expected_last;
  for (int i = 0; i < 5000; ++i) {
    expected_last = std::string(i % 97, 'a' + i % 26);
    splitter.Append(EncodeFrameBody(expected_last));
    std::vector<std::string> bodies = Drain(splitter);
    ASSERT_EQ(bodies.size(), 1u);
    ASSERT_EQ(bodies[0], expected_last);
  }
}

TEST(FrameCodecTest, RejectsFramesOverTheLimit) {
  FrameSplitter splitter(/*max_frame_size=*/16);
  splitter.Append(std::string("\x00\x00\x00\x11", 4));
  EXPECT_EQ(splitter.Next().status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace lilac::spectrum
