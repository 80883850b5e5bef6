#include "backend/host/failures.h"

#include <cerrno>
#include <cstring>

#include "gtest/gtest.h"

namespace lilac {
namespace {

TEST(FailureFromErrno, ClassifiesWhatPluginsReturn) {
  EXPECT_EQ(FailureFromErrno(ENOTCONN).code(), v1::FAILURE_CODE_NOT_CONNECTED);
  EXPECT_EQ(FailureFromErrno(ENOTSUP).code(), v1::FAILURE_CODE_UNSUPPORTED);
  EXPECT_EQ(FailureFromErrno(ENOSYS).code(), v1::FAILURE_CODE_UNSUPPORTED);
  EXPECT_EQ(FailureFromErrno(E2BIG).code(), v1::FAILURE_CODE_TOO_LARGE);
  EXPECT_EQ(FailureFromErrno(EMSGSIZE).code(), v1::FAILURE_CODE_TOO_LARGE);
  EXPECT_EQ(FailureFromErrno(ENOENT).code(), v1::FAILURE_CODE_NOT_FOUND);
  EXPECT_EQ(FailureFromErrno(EPERM).code(), v1::FAILURE_CODE_REFUSED);
  EXPECT_EQ(FailureFromErrno(ECANCELED).code(), v1::FAILURE_CODE_CANCELLED);
  EXPECT_EQ(FailureFromErrno(ETIMEDOUT).code(), v1::FAILURE_CODE_TIMED_OUT);
  EXPECT_EQ(FailureFromErrno(ECONNRESET).code(),
            v1::FAILURE_CODE_NETWORK_ERROR);
  EXPECT_EQ(FailureFromErrno(EAGAIN).code(), v1::FAILURE_CODE_TRY_AGAIN);
  EXPECT_EQ(FailureFromErrno(EDOM).code(), v1::FAILURE_CODE_OTHER);
}

TEST(FailureFromErrno, KeepsTheSystemsWords) {
  EXPECT_EQ(FailureFromErrno(E2BIG).message(), std::strerror(E2BIG));
  EXPECT_FALSE(FailureFromErrno(12345).message().empty());
}

TEST(MakeFailure, SetsCodeAndMessage) {
  const v1::Failure failure =
      MakeFailure(v1::FAILURE_CODE_NOT_CONNECTED, "not connected");
  EXPECT_EQ(failure.code(), v1::FAILURE_CODE_NOT_CONNECTED);
  EXPECT_EQ(failure.message(), "not connected");
}

}  // namespace
}  // namespace lilac
