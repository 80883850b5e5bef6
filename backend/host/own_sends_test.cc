#include "backend/host/own_sends.h"

#include "gtest/gtest.h"

namespace lilac {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(OwnSendsTest, TheEchoOfASendIsRecognisedOnceWithItsId) {
  OwnSends sends;
  sends.Note({false, "bob"}, "hello", "id-1", kStart);
  std::string id;
  EXPECT_TRUE(sends.Take({false, "bob"}, "hello", kStart, &id));
  EXPECT_EQ(id, "id-1");
  // A second identical message is not ours: sent from another client.
  EXPECT_FALSE(sends.Take({false, "bob"}, "hello", kStart));
}

TEST(OwnSendsTest, OtherTextOrConversationIsSentElsewhere) {
  OwnSends sends;
  sends.Note({false, "bob"}, "hello", "", kStart);
  EXPECT_FALSE(sends.Take({false, "bob"}, "hello there", kStart));
  EXPECT_FALSE(sends.Take({false, "carol"}, "hello", kStart));
  // The same name as a room is another conversation.
  EXPECT_FALSE(sends.Take({true, "bob"}, "hello", kStart));
  EXPECT_TRUE(sends.Take({false, "bob"}, "hello", kStart));
}

TEST(OwnSendsTest, SurroundingWhitespaceDoesNotMatterInnerWhitespaceDoes) {
  OwnSends sends;
  sends.Note({true, "#room"}, "a\tb", "", kStart);
  EXPECT_FALSE(sends.Take({true, "#room"}, "a b", kStart));
  EXPECT_TRUE(sends.Take({true, "#room"}, " a\tb\n", kStart));
}

TEST(OwnSendsTest, TwoEqualSendsAreEchoedTwice) {
  OwnSends sends;
  sends.Note({true, "#room"}, "ok", "1", kStart);
  sends.Note({true, "#room"}, "ok", "2", kStart);
  std::string id;
  EXPECT_TRUE(sends.Take({true, "#room"}, "ok", kStart, &id));
  EXPECT_EQ(id, "1");
  EXPECT_TRUE(sends.Take({true, "#room"}, "ok", kStart, &id));
  EXPECT_EQ(id, "2");
  EXPECT_FALSE(sends.Take({true, "#room"}, "ok", kStart));
}

TEST(OwnSendsTest, OldSendsAreForgotten) {
  OwnSends sends;
  sends.Note({false, "bob"}, "hello", "", kStart);
  EXPECT_FALSE(sends.Take({false, "bob"}, "hello",
                          kStart + OwnSends::kKeepFor + absl::Seconds(1)));
  EXPECT_EQ(sends.size(), 0u);
}

TEST(OwnSendsTest, KeepsABoundedNumber) {
  OwnSends sends;
  for (size_t i = 0; i < OwnSends::kMaxKept + 10; ++i) {
    sends.Note({false, "bob"}, std::to_string(i), "", kStart);
  }
  EXPECT_EQ(sends.size(), OwnSends::kMaxKept);
  EXPECT_FALSE(sends.Take({false, "bob"}, "0", kStart));
  EXPECT_TRUE(sends.Take({false, "bob"}, std::to_string(OwnSends::kMaxKept + 9),
                         kStart));
}

}  // namespace
}  // namespace lilac
