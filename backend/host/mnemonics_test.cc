#include "backend/host/mnemonics.h"

#include "gtest/gtest.h"

namespace lilac {
namespace {

TEST(WithoutMnemonics, RemovesGtkMarkers) {
  EXPECT_EQ(WithoutMnemonics("_Room:"), "Room:");
  EXPECT_EQ(WithoutMnemonics("_Yes"), "Yes");
  EXPECT_EQ(WithoutMnemonics("Save _As"), "Save As");
}

TEST(WithoutMnemonics, KeepsDoubledUnderscoresAsOne) {
  EXPECT_EQ(WithoutMnemonics("snake__case"), "snake_case");
  EXPECT_EQ(WithoutMnemonics("a____b"), "a__b");
}

TEST(WithoutMnemonics, PlainAndNullLabels) {
  EXPECT_EQ(WithoutMnemonics("Password"), "Password");
  EXPECT_EQ(WithoutMnemonics(""), "");
  EXPECT_EQ(WithoutMnemonics(nullptr), "");
  EXPECT_EQ(WithoutMnemonics("end_"), "end");
}

}  // namespace
}  // namespace lilac
