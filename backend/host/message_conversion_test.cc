#include "backend/host/message_conversion.h"

#include "gtest/gtest.h"

namespace lilac {
namespace {

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

TEST(MessageConversionTest, HtmlToTextKeepsWhitespaceAsSent) {
  // purple_markup_strip_html alone turns each of these into a space.
  EXPECT_EQ(HtmlToText("a\tb"), "a\tb");
  EXPECT_EQ(HtmlToText("two  spaces,\tthen\t\ttabs"),
            "two  spaces,\tthen\t\ttabs");
  EXPECT_EQ(HtmlToText("line\nnext\r\nlast\v\f"), "line\nnext\r\nlast\v\f");
  EXPECT_EQ(HtmlToText("<b>bold</b>\t&amp;\t<i>it</i>"), "bold\t&\tit");
  // Markup still decides its own whitespace.
  EXPECT_EQ(HtmlToText("a<br>b<BR/>\tc"), "a\nb\n\tc");
  EXPECT_EQ(HtmlToText("<a\nhref=\"http://example.org/\">x</a>\ty"),
            "x (http://example.org/)\ty");
  EXPECT_EQ(HtmlToText("<table><tr><td>1</td>\n  <td>2</td></tr></table>"),
            "1\t2\n");
  EXPECT_EQ(HtmlToText("a <\tb"), "a <\tb");
  const std::string text = "col 1\tcol 2\n\tindented   and\t\tspaced ";
  EXPECT_EQ(HtmlToText(TextToHtml(text).c_str()), text);
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
