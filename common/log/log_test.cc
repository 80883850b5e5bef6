#include "common/log/log.h"

#include <glib.h>

#include <string>
#include <vector>

#include "common/log/glib_log.h"
#include "common/log/rate_limiter.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace lilac::log {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting(
        [this](const std::string& line) { lines_.push_back(line); });
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    Configure(Options());
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, TextLinesHaveTimeProgramLevelAndComponent) {
  Options options;
  options.program = "lilacd";
  Configure(options);
  Warning("plugins", "carbons.so does not load");
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_THAT(
      lines_[0],
      MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z lilacd\\[[0-9]+"
                   "\\] WARNING plugins: carbons.so does not load"));
}

TEST_F(LogTest, LevelsBelowTheMinimumAreNotWritten) {
  Options options;
  options.min_level = Level::kWarning;
  Configure(options);
  Info("x", "quiet");
  Error("x", "loud");
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_THAT(lines_[0], HasSubstr("loud"));
}

TEST_F(LogTest, JsonLinesParseBackWithEveryField) {
  Options options;
  options.program = "spectrum2_lilac_backend";
  options.format = Format::kJson;
  Configure(options);
  Error("wire", "bad \"frame\"\n\ttab");
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  google::protobuf::Struct parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines_[0], &parsed).ok())
      << lines_[0];
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("program").string_value(), "spectrum2_lilac_backend");
  EXPECT_EQ(fields.at("level").string_value(), "ERROR");
  EXPECT_EQ(fields.at("component").string_value(), "wire");
  EXPECT_EQ(fields.at("message").string_value(), "bad \"frame\"\n\ttab");
  EXPECT_GT(fields.at("pid").number_value(), 0);
  EXPECT_FALSE(fields.at("time").string_value().empty());
}

TEST_F(LogTest, FormatsParseByName) {
  Format format;
  EXPECT_TRUE(ParseFormat("json", &format));
  EXPECT_EQ(format, Format::kJson);
  EXPECT_TRUE(ParseFormat("text", &format));
  EXPECT_EQ(format, Format::kText);
  EXPECT_FALSE(ParseFormat("xml", &format));
}

TEST(RateLimiterTest, ABurstPerSiteThenCountedUntilTheNextWindow) {
  RateLimiter limiter(3, absl::Seconds(60));
  const absl::Time start = absl::FromUnixSeconds(1000);
  uint64_t suppressed = 99;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Allow("a", start, &suppressed));
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 10; ++i)
    EXPECT_FALSE(limiter.Allow("a", start, &suppressed));
  // Another site has its own budget.
  EXPECT_TRUE(limiter.Allow("b", start, &suppressed));
  // The next window lets one through and says how many were left out.
  EXPECT_TRUE(limiter.Allow("a", start + absl::Seconds(60), &suppressed));
  EXPECT_EQ(suppressed, 10u);
}

TEST(RateLimiterTest, TracksABoundedNumberOfSites) {
  RateLimiter limiter(1, absl::Seconds(60), /*max_sites=*/2);
  const absl::Time start = absl::FromUnixSeconds(1000);
  uint64_t suppressed;
  EXPECT_TRUE(limiter.Allow("a", start, &suppressed));
  EXPECT_TRUE(limiter.Allow("b", start + absl::Seconds(1), &suppressed));
  // A third site forgets the oldest ("a"), which then starts afresh.
  EXPECT_TRUE(limiter.Allow("c", start + absl::Seconds(2), &suppressed));
  EXPECT_TRUE(limiter.Allow("a", start + absl::Seconds(3), &suppressed));
}

TEST_F(LogTest, AFloodOfGlibCriticalsIsCutToAFewLines) {
  RouteGlibLog();
  for (int i = 0; i < 10000; ++i) {
    g_log("Json", G_LOG_LEVEL_CRITICAL,
          "json_object_get_member: assertion "
          "'JSON_NODE_HOLDS_OBJECT (node)' failed");
  }
  g_log("GLib", G_LOG_LEVEL_WARNING, "another site");
  ASSERT_THAT(lines_, SizeIs(6));
  EXPECT_THAT(lines_[0], HasSubstr("ERROR Json: json_object_get_member"));
  EXPECT_THAT(lines_[5], HasSubstr("WARNING GLib: another site"));
}

}  // namespace
}  // namespace lilac::log
