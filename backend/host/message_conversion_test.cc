#include "backend/host/message_conversion.h"

#include "gtest/gtest.h"

namespace lilac {
namespace {

TEST(MessageConversionTest, OnlyPlainSendsAreEchoes) {
  EXPECT_TRUE(IsEchoOfOurSend(PURPLE_MESSAGE_SEND));
  EXPECT_FALSE(IsEchoOfOurSend(static_cast<PurpleMessageFlags>(
      PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_DELAYED)));
  EXPECT_FALSE(IsEchoOfOurSend(static_cast<PurpleMessageFlags>(
      PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND)));
  EXPECT_FALSE(IsEchoOfOurSend(PURPLE_MESSAGE_RECV));
}

TEST(MessageConversionTest, FlagsMapOneToOne) {
  v1::MessageFlags flags = ToMessageFlags(static_cast<PurpleMessageFlags>(
      PURPLE_MESSAGE_RECV | PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_AUTO_RESP |
      PURPLE_MESSAGE_IMAGES));
  EXPECT_TRUE(flags.delayed());
  EXPECT_TRUE(flags.auto_response());
  EXPECT_TRUE(flags.has_images());
  EXPECT_FALSE(flags.sent_by_us_elsewhere());
  EXPECT_TRUE(
      ToMessageFlags(static_cast<PurpleMessageFlags>(
                         PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND))
          .sent_by_us_elsewhere());
  EXPECT_TRUE(ToMessageFlags(PURPLE_MESSAGE_SYSTEM).system());
  EXPECT_TRUE(ToMessageFlags(PURPLE_MESSAGE_ERROR).error());
}

TEST(MessageConversionTest, HtmlAndTextConvertBothWays) {
  EXPECT_EQ(HtmlToText("<b>bold</b> &amp; <i>more</i>"), "bold & more");
  EXPECT_EQ(HtmlToText(nullptr), "");
  EXPECT_EQ(TextToHtml("a < b\nc"), "a &lt; b<BR>c");
  EXPECT_EQ(HtmlToText(TextToHtml("Grüße, 世界 <3").c_str()), "Grüße, 世界 <3");
}

TEST(MessageConversionTest, GuessesImageTypes) {
  EXPECT_EQ(GuessMimeType(std::string("\x89PNG\r\n\x1a\n....", 12)),
            "image/png");
  EXPECT_EQ(GuessMimeType("\xff\xd8\xff\xe0"), "image/jpeg");
  EXPECT_EQ(GuessMimeType("GIF89a..."), "image/gif");
  EXPECT_EQ(GuessMimeType("RIFF....WEBPVP8 "), "image/webp");
  EXPECT_EQ(GuessMimeType("hello"), "application/octet-stream");
}

TEST(MessageConversionTest, Sha1IsLowerCaseHex) {
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

}  // namespace
}  // namespace lilac
