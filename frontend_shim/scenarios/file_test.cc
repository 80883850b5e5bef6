// Incoming files: fetched from lilacd into web storage and linked with an
// attachment, or a clear note without web storage.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "frontend_shim/testing/shim_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim::testing {
namespace {

constexpr char kAlice[] = "alice@example.org";
constexpr char kUrl[] = "https://example.org/media";

class FileTest : public ShimTest {
 protected:
  void SendFile(const std::string& name, const std::string& data) {
    fake::v1::InjectFileRequest file;
    file.set_account("alice");
    file.set_from("bob");
    file.set_filename(name);
    file.set_data(data);
    Control(&fake::v1::FakeNetworkControl::Stub::InjectFile, file);
  }
};

TEST_F(FileTest, IncomingFileIsStoredAndLinked) {
  const std::string media = temp_dir_ + "/media";
  ASSERT_EQ(mkdir(media.c_str(), 0700), 0);  // the operator's directory
  StartShim("prpl-fake", "[service]\nweb_directory = " + media +
                             "\nweb_url = " + kUrl + "\n");
  LoginConnected(kAlice, "alice");
  SendFile("notes.txt", "the notes");
  absl::StatusOr<pbnetwork::ConversationMessage> message =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.buddyname() == "bob";
          },
          kTimeout);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->username(), kAlice);
  ASSERT_EQ(message->attachment_size(), 1);
  const pbnetwork::Attachment& attachment = message->attachment(0);
  EXPECT_EQ(attachment.description(), "notes.txt");
  ASSERT_TRUE(absl::StartsWith(attachment.url(), std::string(kUrl) + "/"))
      << attachment.url();
  EXPECT_THAT(message->message(), ::testing::HasSubstr(attachment.url()));
  // The link names a file in web storage with the bytes sent.
  std::ifstream stored(media + attachment.url().substr(sizeof(kUrl) - 1),
                       std::ios::binary);
  ASSERT_TRUE(stored) << attachment.url();
  std::stringstream content;
  content << stored.rdbuf();
  EXPECT_EQ(content.str(), "the notes");
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

TEST_F(FileTest, WithoutWebStorageTheUserGetsAClearNote) {
  StartShim();
  LoginConnected(kAlice, "alice");
  SendFile("photo.jpg", std::string(1000, 'x'));
  absl::StatusOr<pbnetwork::ConversationMessage> message =
      spectrum_->WaitForMessage(
          [](const pbnetwork::ConversationMessage& m) {
            return m.buddyname() == "bob";
          },
          kTimeout);
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(message->attachment_size(), 0);
  EXPECT_THAT(message->message(), ::testing::HasSubstr("photo.jpg"));
  EXPECT_THAT(message->message(), ::testing::HasSubstr("web storage"));
  EXPECT_TRUE(spectrum_->Health().ok()) << spectrum_->Health();
}

}  // namespace
}  // namespace lilac::shim::testing
