#include "backend/server/listen_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

using ::testing::HasSubstr;

TEST(ListenAddressTest, ParsesLoopbackHostsAndPorts) {
  auto v4 = ParseListenAddress("127.0.0.1:0", false);
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->kind, ListenAddress::Kind::kTcp);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 0);
  EXPECT_EQ(v4->ToGrpcTarget(), "127.0.0.1:0");

  auto v6 = ParseListenAddress("[::1]:5345", false);
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5345);
  EXPECT_EQ(v6->ToGrpcTarget(), "[::1]:5345");

  EXPECT_TRUE(ParseListenAddress("localhost:1", false).ok());
  EXPECT_TRUE(ParseListenAddress("127.8.9.10:1", false).ok());
}

TEST(ListenAddressTest, RefusesNonLoopbackUnlessAllowed) {
  auto refused = ParseListenAddress("0.0.0.0:5345", false);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("--allow_remote_listen"));
  EXPECT_FALSE(ParseListenAddress("[::]:1", false).ok());
  EXPECT_FALSE(ParseListenAddress("example.org:1", false).ok());
  EXPECT_TRUE(ParseListenAddress("0.0.0.0:5345", true).ok());
}

TEST(ListenAddressTest, RejectsMalformedPorts) {
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:x",
                           "127.0.0.1:65536", "127.0.0.1:-1", ":80", "[::1"}) {
    auto parsed = ParseListenAddress(text, false);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(ListenAddressTest, UnixSocketNeedsAUsableDirectory) {
  // TEST_TMPDIR is too long for a socket path; /tmp is short and writable.
  const std::string dir = "/tmp";
  auto ok = ParseListenAddress("unix:" + dir + "/lilacd.sock", false);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->kind, ListenAddress::Kind::kUnix);
  EXPECT_EQ(ok->ToGrpcTarget(), "unix:" + dir + "/lilacd.sock");

  auto missing = ParseListenAddress("unix:/nonexistent/dir/x.sock", false);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("directory /nonexistent/dir/ is not usable"));

  EXPECT_FALSE(ParseListenAddress("unix:", false).ok());
  EXPECT_FALSE(
      ParseListenAddress("unix:/tmp/" + std::string(200, 'x'), false).ok());
}

}  // namespace
}  // namespace lilac
