#include "frontend_shim/wire/frame_codec.h"

#include <string>

#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using pbnetwork::WrapperMessage;

std::string Ping() {
  WrapperMessage wrapper;
  wrapper.set_type(WrapperMessage::TYPE_PING);
  return EncodeFrame(wrapper);
}

TEST(FrameCodecTest, EncodesPongAsDocumented) {
  WrapperMessage pong;
  pong.set_type(WrapperMessage::TYPE_PONG);
  EXPECT_EQ(EncodeFrame(pong), std::string("\x00\x00\x00\x02\x08\x0a", 6));
}

TEST(FrameCodecTest, DecodesAFrameSplitIntoSingleBytes) {
  FrameDecoder decoder(1024);
  const std::string frame = Ping();
  std::vector<std::string> frames;
  for (char byte : frame) {
    FrameDecoder::Output output = decoder.Feed(std::string(1, byte));
    EXPECT_TRUE(output.errors.empty());
    for (auto& body : output.frames) frames.push_back(body);
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], std::string("\x08\x09", 2));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameCodecTest, DecodesCoalescedFramesAndKeepsTheRest) {
  FrameDecoder decoder(1024);
  const std::string stream = Ping() + Ping() + Ping().substr(0, 3);
  FrameDecoder::Output output = decoder.Feed(stream);
  EXPECT_EQ(output.frames.size(), 2u);
  EXPECT_EQ(decoder.buffered(), 3u);
  output = decoder.Feed(Ping().substr(3));
  EXPECT_EQ(output.frames.size(), 1u);
}

TEST(FrameCodecTest, EmptyFrameIsAFrame) {
  FrameDecoder decoder(1024);
  FrameDecoder::Output output = decoder.Feed(std::string("\0\0\0\0", 4));
  ASSERT_EQ(output.frames.size(), 1u);
  EXPECT_TRUE(output.frames[0].empty());
}

TEST(FrameCodecTest, SkipsAnOversizedFrameAndGoesOn) {
  FrameDecoder decoder(16);
  std::string big(100, 'x');
  std::string stream = std::string("\0\0\0\x64", 4);
  FrameDecoder::Output output = decoder.Feed(stream + big.substr(0, 40));
  ASSERT_EQ(output.errors.size(), 1u);
  EXPECT_NE(output.errors[0].find("over the limit of 16"), std::string::npos);
  EXPECT_TRUE(output.frames.empty());
  output = decoder.Feed(big.substr(40) + Ping());
  EXPECT_TRUE(output.errors.empty());
  ASSERT_EQ(output.frames.size(), 1u);
  EXPECT_EQ(output.frames[0], std::string("\x08\x09", 2));
}

TEST(FrameCodecTest, LargeFrameWithinTheLimit) {
  FrameDecoder decoder(1 << 20);
  WrapperMessage wrapper;
  wrapper.set_type(WrapperMessage::TYPE_VCARD);
  wrapper.set_payload(std::string(500000, 'p'));
  const std::string frame = EncodeFrame(wrapper);
  FrameDecoder::Output output = decoder.Feed(frame.substr(0, 70000));
  EXPECT_TRUE(output.frames.empty());
  output = decoder.Feed(frame.substr(70000));
  ASSERT_EQ(output.frames.size(), 1u);
  WrapperMessage decoded;
  ASSERT_TRUE(decoded.ParseFromString(output.frames[0]));
  EXPECT_EQ(decoded.payload().size(), 500000u);
}

}  // namespace
}  // namespace lilac::shim
