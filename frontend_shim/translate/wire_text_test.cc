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
}

TEST(WireTextTest, Sha1) {
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace lilac::shim
