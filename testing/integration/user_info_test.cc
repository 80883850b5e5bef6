// User info and our own profile through lilacd.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"

namespace lilac::testing {
namespace {

class UserInfoTest : public FakeNetworkTest {};

TEST_F(UserInfoTest, FetchesNameNicknameAndFields) {
  LoginConnected("alice", "alice");
  fake::v1::SetUserInfoRequest info;
  info.mutable_info()->set_name("bob");
  info.mutable_info()->set_full_name("Robert Tables");
  info.mutable_info()->set_nickname("Bobby");
  Control(&fake::v1::FakeNetworkControl::Stub::SetUserInfo, info);

  v1::GetUserInfoRequest request;
  request.set_session("alice");
  request.set_name("bob");
  v1::GetUserInfoResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::GetUserInfo, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.info().name(), "bob");
  EXPECT_EQ(response.info().full_name(), "Robert Tables");
  EXPECT_EQ(response.info().nickname(), "Bobby");
  EXPECT_GE(response.info().fields_size(), 2);
}

TEST_F(UserInfoTest, SetsOurAvatarAndRejectsNonImages) {
  LoginConnected("alice", "alice");
  v1::SetProfileRequest request;
  request.set_session("alice");
  const std::string png("\x89PNG\r\n\x1a\nmy new face", 20);
  request.set_avatar(png);
  v1::SetProfileResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SetProfile, request, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetAvatar);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->set_avatar().image(), png);

  request.set_avatar("not an image");
  EXPECT_EQ(
      Call(&v1::LilacService::Stub::SetProfile, request, &done).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UserInfoTest, SetsOurNicknameOthersSeeIt) {
  LoginConnected("alice", "alice");
  LoginConnected("bob", "bob");
  v1::SetProfileRequest request;
  request.set_session("alice");
  request.set_nickname("Alice in Chains");
  v1::SetProfileResponse done;
  ASSERT_TRUE(Call(&v1::LilacService::Stub::SetProfile, request, &done).ok());
  absl::StatusOr<fake::v1::ClientFrame> frame =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSetNickname);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->set_nickname().nickname(), "Alice in Chains");

  // Another user of the network now sees the new nickname.
  v1::GetUserInfoRequest info_request;
  info_request.set_session("bob");
  info_request.set_name("alice");
  v1::GetUserInfoResponse info;
  ASSERT_TRUE(
      Call(&v1::LilacService::Stub::GetUserInfo, info_request, &info).ok());
  EXPECT_EQ(info.info().nickname(), "Alice in Chains");
}

TEST_F(UserInfoTest, NeedsAConnectedSession) {
  v1::GetUserInfoRequest request;
  request.set_session("nobody");
  request.set_name("bob");
  v1::GetUserInfoResponse response;
  EXPECT_EQ(Call(&v1::LilacService::Stub::GetUserInfo, request, &response)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace lilac::testing
