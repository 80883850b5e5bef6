#include "backend/host/purple_host.h"

#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "backend/host/protocol_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "purple.h"

namespace lilac {
namespace {

// libpurple is process-wide, so one host serves every test in this binary.
PurpleHost& Host() {
  static PurpleHost* host = [] {
    auto started = PurpleHost::Start({});
    EXPECT_TRUE(started.ok()) << started.status();
    return started->release();
  }();
  return *host;
}

TEST(PurpleHostTest, RunExecutesOnTheLoopThreadAndReturnsTheResult) {
  EXPECT_FALSE(Host().IsLoopThread());
  const bool on_loop =
      Host().Run([](const OnLoop&) { return Host().IsLoopThread(); });
  EXPECT_TRUE(on_loop);
  EXPECT_TRUE(
      Host().Run([](const OnLoop&) { return purple_get_core() != nullptr; }));
}

TEST(PurpleHostTest, PostedWorkRunsInOrderPerThread) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<int>> seen(kThreads);  // touched only on the loop
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([t, &seen] {
      for (int i = 0; i < kPerThread; ++i) {
        Host().Post([t, i, &seen](const OnLoop&) { seen[t].push_back(i); });
      }
    });
  }
  for (std::thread& poster : posters) poster.join();
  // Run queues behind everything posted above, so all of it has run when it
  // returns.
  Host().Run([](const OnLoop&) {});
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), kPerThread);
    for (int i = 0; i < kPerThread; ++i) ASSERT_EQ(seen[t][i], i);
  }
}

TEST(PurpleHostTest, LoadsTheSystemProtocolPlugins) {
  std::vector<v1::Protocol> protocols = Host().Run(
      [](const OnLoop& loop) { return ListInstalledProtocols(loop); });
  std::vector<std::string> ids;
  for (const auto& protocol : protocols) ids.push_back(protocol.id());
  EXPECT_THAT(ids, ::testing::IsSupersetOf(
                       {"prpl-jabber", "prpl-irc", "prpl-gg", "prpl-novell"}));
}

TEST(PurpleHostTest, UserDirectoryIsPrivate) {
  const std::string dir =
      Host().Run([](const OnLoop&) { return std::string(purple_user_dir()); });
  struct stat info;
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
}

TEST(PurpleHostTest, AccountsAreNeverSavedToDisk) {
  const std::string dir =
      Host().Run([](const OnLoop&) { return std::string(purple_user_dir()); });
  Host().Run([](const OnLoop&) {
    PurpleAccount* account = purple_account_new("someone", "prpl-irc");
    purple_accounts_add(account);
    purple_account_set_string(account, "token", "s3cret-token");
    purple_account_set_remember_password(account, FALSE);
    purple_account_set_password(account, "s3cret-password");
    // Forces the save libpurple would otherwise do on a timer.
    purple_accounts_remove(account);
    purple_accounts_add(account);
    purple_accounts_delete(account);
  });
  // Whatever libpurple tried to write, no account file holds the secrets.
  struct stat info;
  ASSERT_EQ(stat((dir + "/accounts.xml").c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  ASSERT_EQ(stat((dir + "/accounts.xml.save").c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
}

TEST(PurpleHostTest, RunFromTheLoopThreadAbortsInsteadOfHanging) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      Host().Run([](const OnLoop&) { Host().Run([](const OnLoop&) {}); }),
      "Run called on the loop thread");
}

TEST(PurpleHostTest, CallbacksGetTheTokenOnlyOnTheLoopThread) {
  EXPECT_TRUE(Host().Run(
      [](const OnLoop&) { return &OnLoop::InCallback() != nullptr; }));
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(OnLoop::InCallback(), "a libpurple callback ran off the loop");
}

TEST(PurpleHostTest, ASecondHostWhileOneRunsIsRefused) {
  auto second = PurpleHost::Start({});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::HasSubstr("another libpurple host is running"));
  // The running one is untouched.
  EXPECT_TRUE(
      Host().Run([](const OnLoop&) { return purple_get_core() != nullptr; }));
}

// These run in a child process of their own (the "threadsafe" death test
// style starts the test binary again), where the shared host does not run.
TEST(PurpleHostStartTest, MissingPluginDirectoryFailsWithItsName) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        auto host =
            PurpleHost::Start({.plugin_dirs = {"/nonexistent/plugins"}});
        const bool named =
            !host.ok() && host.status().code() == absl::StatusCode::kNotFound &&
            absl::StrContains(host.status().message(), "/nonexistent/plugins");
        std::exit(named ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(PurpleHostStartTest, HostsOneAfterAnotherEachRunLibpurple) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        bool ran = true;
        for (int i = 0; i < 2; ++i) {
          auto host = PurpleHost::Start({});
          ran = ran && host.ok() && (*host)->Run([](const OnLoop&) {
            return purple_get_core() != nullptr;
          });
        }
        std::exit(ran ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace lilac
