#include "frontend_shim/web_storage/web_storage.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "frontend_shim/translate/wire_text.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

std::string TempDir() {
  std::string pattern = std::string(getenv("TEST_TMPDIR")) + "/webXXXXXX";
  return mkdtemp(pattern.data());
}

TEST(WebStorageTest, WritesBySha1AndReturnsTheUrl) {
  const std::string dir = TempDir();
  WebStorage storage(dir, "https://example.org/media/", 100);
  ASSERT_TRUE(storage.enabled());
  absl::StatusOr<std::string> url = storage.StoreImage("image", "image/png");
  ASSERT_TRUE(url.ok()) << url.status();
  const std::string name = Sha1Hex("image") + ".png";
  EXPECT_EQ(*url, "https://example.org/media/" + name);
  std::ifstream in(dir + "/" + name);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "image");
  // Stored again: same URL.
  EXPECT_EQ(*storage.StoreImage("image", "image/png"), *url);
}

TEST(WebStorageTest, RespectsTheSizeLimitAndNeedsBothKeys) {
  WebStorage storage(TempDir(), "https://x", 3);
  EXPECT_EQ(storage.StoreImage("toolong", "image/png").status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(WebStorage("", "https://x", 10).enabled());
  EXPECT_FALSE(WebStorage("/tmp", "", 10).enabled());
}

}  // namespace
}  // namespace lilac::shim
