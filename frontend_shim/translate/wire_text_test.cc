#include "frontend_shim/translate/wire_text.h"

#include "gtest/gtest.h"
#include "protos/spectrum/protocol.pb.h"

namespace lilac::shim {
namespace {

TEST(WireTextTest, TimestampIsBasicIsoUtc) {
  EXPECT_EQ(SpectrumTimestamp(absl::FromUnixSeconds(1700000000)),
            "20231114T221320");
}

TEST(WireTextTest, FindsInvalidUtf8) {
  pbnetwork::ConversationMessage message;
  message.set_username("a@b");
  message.set_buddyname("ok");
  message.set_message("caf\xc3\xa9");
  EXPECT_EQ(FindInvalidUtf8Field(message), "");
  message.set_message("bad \xff");
  EXPECT_EQ(FindInvalidUtf8Field(message), "message");
}

TEST(WireTextTest, HtmlBecomesWellFormedXhtml) {
  EXPECT_EQ(HtmlToXhtml("<b>hi</b><br>there", "hi\nthere"),
            "<b>hi</b><br/>there");
  EXPECT_EQ(HtmlToXhtml("plain", "plain"), "");
  EXPECT_EQ(HtmlToXhtml("<b>open", "open"), "");
  EXPECT_EQ(HtmlToXhtml("<i>x</b>", "x"), "");
  // Found by event_translator_fuzzer: a lone slash used to crash.
  EXPECT_EQ(HtmlToXhtml("a</>b", "ab"), "");
  EXPECT_EQ(HtmlToXhtml("a</ >b", "ab"), "");
}

TEST(WireTextTest, TextBecomesWhatXmlCanCarry) {
  EXPECT_EQ(XmlSafeText("plain text\twith\nlines\r"),
            "plain text\twith\nlines\r");
  EXPECT_EQ(XmlSafeText("caf\xc3\xa9 \xe2\x82\xac"),
            "caf\xc3\xa9 \xe2\x82\xac");
  // IRC colour codes, NUL, an invalid byte: each becomes U+FFFD.
  EXPECT_EQ(XmlSafeText(std::string("a\x03"
                                    "4b\0c\xff",
                                    7)),
            "a\xEF\xBF\xBD"
            "4b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD");
  EXPECT_EQ(XmlSafeText("\xef\xbf\xbf"), "\xEF\xBF\xBD");  // U+FFFF

  pbnetwork::ConversationMessage message;
  message.set_username("alice");
  message.set_buddyname("bob");
  message.set_message(std::string("bell\x07", 5));
  EXPECT_TRUE(MakeXmlSafe(&message));
  EXPECT_EQ(message.message(), "bell\xEF\xBF\xBD");
  EXPECT_FALSE(MakeXmlSafe(&message));
}

TEST(WireTextTest, Sha1) {
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace lilac::shim
