#include "backend/host/plugin_state_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class PluginStateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = fs::temp_directory_path() / "state-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ + "/root";
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static mode_t Mode(const std::string& path) {
    struct stat info;
    EXPECT_EQ(lstat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }
  static bool IsLink(const std::string& path) {
    struct stat info;
    return lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
  }

  std::string base_;
  std::string root_;
};

TEST_F(PluginStateDirTest, UserDirIsPrivateInsideTheRoot) {
  absl::StatusOr<std::unique_ptr<PluginStateDir>> dir =
      PluginStateDir::Open(root_);
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(Mode(root_), 0700);
  const std::string user_dir = (*dir)->user_dir();
  EXPECT_EQ(fs::path(user_dir).parent_path(), fs::path(root_ + "/.lilac/run"));
  EXPECT_EQ(Mode(user_dir), 0700);
  dir->reset();
  EXPECT_FALSE(fs::exists(user_dir));
}

TEST_F(PluginStateDirTest, PluginFilesMoveToTheRootAndSurviveARestart) {
  auto dir = *PluginStateDir::Open(root_);
  const std::string user_dir = dir->user_dir();
  // As telegram-purple and purple-lurch do, plus libpurple's own file.
  Write(user_dir + "/telegram-purple/+4912345/auth", "key-1");
  Write(user_dir + "/alice@example.org_db.sqlite", "omemo");
  Write(user_dir + "/blist.xml", "<purple/>");
  // A file the plugin keeps open across the move.
  const int open_fd =
      open((user_dir + "/alice@example.org_db.sqlite").c_str(), O_WRONLY);
  ASSERT_GE(open_fd, 0);

  dir->Sync();
  EXPECT_EQ(Read(root_ + "/telegram-purple/+4912345/auth"), "key-1");
  EXPECT_EQ(Mode(root_ + "/telegram-purple"), 0700);
  EXPECT_EQ(Mode(root_ + "/alice@example.org_db.sqlite") & 077, 0);
  EXPECT_FALSE(fs::exists(root_ + "/blist.xml"));
  EXPECT_TRUE(IsLink(user_dir + "/telegram-purple"));
  EXPECT_EQ(Read(user_dir + "/telegram-purple/+4912345/auth"), "key-1");
  ASSERT_EQ(pwrite(open_fd, "OMEMO", 5, 0), 5);
  close(open_fd);
  EXPECT_EQ(Read(root_ + "/alice@example.org_db.sqlite"), "OMEMO");
  // Written through the link after the move: lands in the root.
  Write(user_dir + "/telegram-purple/+4912345/auth", "key-2");

  dir.reset();
  EXPECT_EQ(Read(root_ + "/telegram-purple/+4912345/auth"), "key-2");
  auto again = *PluginStateDir::Open(root_);
  EXPECT_EQ(Read(again->user_dir() + "/telegram-purple/+4912345/auth"),
            "key-2");
  EXPECT_EQ(Read(again->user_dir() + "/alice@example.org_db.sqlite"), "OMEMO");
  EXPECT_FALSE(fs::exists(again->user_dir() + "/blist.xml"));
}

TEST_F(PluginStateDirTest, FilesLeftAtExitAreKept) {
  auto dir = *PluginStateDir::Open(root_);
  Write(dir->user_dir() + "/late/file", "written after the last sync");
  dir.reset();
  EXPECT_EQ(Read(root_ + "/late/file"), "written after the last sync");
}

TEST_F(PluginStateDirTest, ProcessesSharingTheRootSeeEachOthersFiles) {
  auto first = *PluginStateDir::Open(root_);
  auto second = *PluginStateDir::Open(root_);
  EXPECT_NE(first->user_dir(), second->user_dir());
  // Both create the same plugin directory, for different accounts.
  Write(first->user_dir() + "/telegram-purple/+1/auth", "one");
  Write(second->user_dir() + "/telegram-purple/+2/auth", "two");
  first->Sync();
  second->Sync();
  first->Sync();
  EXPECT_EQ(Read(first->user_dir() + "/telegram-purple/+2/auth"), "two");
  EXPECT_EQ(Read(second->user_dir() + "/telegram-purple/+1/auth"), "one");
}

TEST_F(PluginStateDirTest, FilesOfAProcessThatDiedAreTakenOver) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto dir = *PluginStateDir::Open(root_);
    Write(dir->user_dir() + "/telegram-purple/+3/auth", "from the dead");
    Write(dir->user_dir() + "/prefs.xml", "private");
    _exit(0);  // no destructor: as a crash
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(
      fs::directory_iterator(root_ + "/.lilac/run") != fs::directory_iterator(),
      true);

  auto dir = *PluginStateDir::Open(root_);
  EXPECT_EQ(Read(dir->user_dir() + "/telegram-purple/+3/auth"),
            "from the dead");
  EXPECT_FALSE(fs::exists(root_ + "/prefs.xml"));
  int left = 0;
  for (const auto& entry : fs::directory_iterator(root_ + "/.lilac/run")) {
    (void)entry;
    ++left;
  }
  EXPECT_EQ(left, 2);  // ours: the directory and its lock
}

TEST_F(PluginStateDirTest, RemovesOnlyTheAccountsFiles) {
  auto dir = *PluginStateDir::Open(root_);
  const std::string user_dir = dir->user_dir();
  Write(user_dir + "/alice@example.org_db.sqlite", "a");
  Write(user_dir + "/alice@example.org.uk_db.sqlite", "another account");
  Write(user_dir + "/alice@example.org2_db.sqlite", "other account");
  Write(user_dir + "/bob@example.org_db.sqlite", "b");
  Write(user_dir + "/telegram-purple/alice@example.org/auth", "a");
  Write(user_dir + "/telegram-purple/bob@example.org/auth", "b");
  dir->Sync();

  EXPECT_THAT(
      dir->RemoveFilesOf({"alice@example.org/phone", "", "alice@example.org"}),
      ElementsAre("alice@example.org_db.sqlite",
                  "telegram-purple/alice@example.org"));
  EXPECT_TRUE(fs::exists(root_ + "/alice@example.org.uk_db.sqlite"));
  EXPECT_TRUE(fs::exists(root_ + "/alice@example.org2_db.sqlite"));
  EXPECT_TRUE(fs::exists(root_ + "/bob@example.org_db.sqlite"));
  EXPECT_TRUE(fs::exists(root_ + "/telegram-purple/bob@example.org/auth"));
  EXPECT_FALSE(fs::exists(user_dir + "/alice@example.org_db.sqlite"));
  EXPECT_FALSE(IsLink(user_dir + "/alice@example.org_db.sqlite"));
}

TEST_F(PluginStateDirTest, WhatAPluginDeletesIsDeletedInTheRoot) {
  auto dir = *PluginStateDir::Open(root_);
  Write(dir->user_dir() + "/alice_db.sqlite", "corrupt");
  dir->Sync();
  ASSERT_TRUE(fs::exists(root_ + "/alice_db.sqlite"));
  // The plugin starts afresh by deleting its file (the link, to it).
  ASSERT_EQ(unlink((dir->user_dir() + "/alice_db.sqlite").c_str()), 0);
  dir->Sync();
  EXPECT_FALSE(fs::exists(root_ + "/alice_db.sqlite"));
  EXPECT_FALSE(IsLink(dir->user_dir() + "/alice_db.sqlite"));
}

TEST_F(PluginStateDirTest, LinksToWhatAnotherProcessRemovedGo) {
  auto first = *PluginStateDir::Open(root_);
  auto second = *PluginStateDir::Open(root_);
  Write(first->user_dir() + "/telegram-purple/alice/auth", "a");
  first->Sync();
  second->Sync();
  ASSERT_TRUE(IsLink(second->user_dir() + "/telegram-purple"));
  first->RemoveFilesOf({"telegram-purple"});
  second->Sync();
  EXPECT_FALSE(IsLink(second->user_dir() + "/telegram-purple"));
  // The plugin can create the name again.
  Write(second->user_dir() + "/telegram-purple/bob/auth", "b");
  second->Sync();
  EXPECT_EQ(Read(root_ + "/telegram-purple/bob/auth"), "b");
}

TEST_F(PluginStateDirTest, AFileNeverReplacesASharedDirectory) {
  auto first = *PluginStateDir::Open(root_);
  auto second = *PluginStateDir::Open(root_);
  Write(first->user_dir() + "/telegram-purple/alice/auth", "a");
  first->Sync();
  second->Sync();
  // A plugin of the second process puts a file where the others have a
  // directory: the directory and its files stay.
  unlink((second->user_dir() + "/telegram-purple").c_str());
  Write(second->user_dir() + "/telegram-purple", "a file");
  second->Sync();
  EXPECT_EQ(Read(root_ + "/telegram-purple/alice/auth"), "a");
  // Not lost either: kept in the private directory, and at exit left for
  // the next process instead of removed.
  const std::string kept = second->user_dir() + "/telegram-purple";
  EXPECT_EQ(Read(kept), "a file");
  second.reset();
  EXPECT_EQ(Read(kept), "a file");
}

TEST_F(PluginStateDirTest, ARootThatIsAFileIsRefused) {
  Write(root_, "not a directory");
  absl::StatusOr<std::unique_ptr<PluginStateDir>> dir =
      PluginStateDir::Open(root_);
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(std::string(dir.status().message()),
              HasSubstr("is not a directory"));
}

}  // namespace
}  // namespace lilac
