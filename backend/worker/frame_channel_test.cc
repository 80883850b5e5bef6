#include "backend/worker/frame_channel.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

#include "backend/worker/worker_wire.pb.h"
#include "gtest/gtest.h"

namespace lilac::worker {
namespace {

class FrameChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    a_ = std::make_unique<FrameChannel>(fds[0]);
    b_ = std::make_unique<FrameChannel>(fds[1]);
  }

  static ToWorker CallOf(uint64_t id, std::string request) {
    ToWorker message;
    message.mutable_call()->set_id(id);
    message.mutable_call()->set_method("Login");
    message.mutable_call()->set_request(std::move(request));
    return message;
  }

  ToWorker ReadCall(FrameChannel& channel, int* fd = nullptr) {
    absl::StatusOr<FrameChannel::Frame> frame = channel.Read();
    EXPECT_TRUE(frame.ok()) << frame.status();
    ToWorker message;
    if (!frame.ok()) return message;
    EXPECT_TRUE(message.ParseFromString(frame->bytes));
    if (fd != nullptr) {
      *fd = frame->fd;
    } else {
      EXPECT_EQ(frame->fd, -1);
    }
    return message;
  }

  std::unique_ptr<FrameChannel> a_;
  std::unique_ptr<FrameChannel> b_;
};

TEST_F(FrameChannelTest, FramesArriveWholeAndInOrder) {
  std::thread writer([this] {
    for (uint64_t i = 1; i <= 1000; ++i) {
      ASSERT_TRUE(a_->Write(CallOf(i, std::string(i * 37, 'x'))).ok());
    }
  });
  for (uint64_t i = 1; i <= 1000; ++i) {
    ToWorker message = ReadCall(*b_);
    ASSERT_EQ(message.call().id(), i);
    ASSERT_EQ(message.call().request(), std::string(i * 37, 'x'));
  }
  writer.join();
}

TEST_F(FrameChannelTest, LargeFrameArrives) {
  const std::string big(8 << 20, 'b');
  std::thread writer([&] { ASSERT_TRUE(a_->Write(CallOf(7, big)).ok()); });
  ToWorker message = ReadCall(*b_);
  writer.join();
  EXPECT_EQ(message.call().request().size(), big.size());
}

TEST_F(FrameChannelTest, DescriptorsGoWithTheirFrames) {
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  ASSERT_TRUE(a_->Write(CallOf(1, "plain")).ok());
  ASSERT_TRUE(a_->Write(CallOf(2, "with fd"), pipe_fds[1]).ok());
  close(pipe_fds[1]);  // the frame carries its own copy
  ASSERT_TRUE(a_->Write(CallOf(3, "plain again")).ok());

  EXPECT_EQ(ReadCall(*b_).call().id(), 1u);
  int received = -1;
  EXPECT_EQ(ReadCall(*b_, &received).call().id(), 2u);
  ASSERT_GE(received, 0);
  EXPECT_EQ(fcntl(received, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_EQ(write(received, "hi", 2), 2);
  close(received);
  char buffer[4] = {};
  ASSERT_EQ(read(pipe_fds[0], buffer, sizeof(buffer)), 2);
  EXPECT_STREQ(buffer, "hi");
  close(pipe_fds[0]);
  EXPECT_EQ(ReadCall(*b_).call().id(), 3u);
}

TEST_F(FrameChannelTest, PeerGoneIsUnavailable) {
  ASSERT_TRUE(a_->Write(CallOf(1, "last")).ok());
  a_.reset();
  EXPECT_EQ(ReadCall(*b_).call().id(), 1u);
  absl::StatusOr<FrameChannel::Frame> frame = b_->Read();
  EXPECT_EQ(frame.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b_->Write(CallOf(2, "")).code(), absl::StatusCode::kUnavailable);
}

TEST_F(FrameChannelTest, ShutdownEndsABlockedRead) {
  std::thread reader([this] {
    absl::StatusOr<FrameChannel::Frame> frame = b_->Read();
    EXPECT_EQ(frame.status().code(), absl::StatusCode::kUnavailable);
  });
  b_->Shutdown();
  reader.join();
}

TEST_F(FrameChannelTest, ShutdownWriteLetsThePeerReadToTheEnd) {
  ASSERT_TRUE(a_->Write(CallOf(1, "bye")).ok());
  a_->ShutdownWrite();
  EXPECT_EQ(ReadCall(*b_).call().id(), 1u);
  EXPECT_EQ(b_->Read().status().code(), absl::StatusCode::kUnavailable);
  // The other direction still works.
  ASSERT_TRUE(b_->Write(CallOf(2, "still here")).ok());
  EXPECT_EQ(ReadCall(*a_).call().id(), 2u);
}

class RawFrameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    raw_ = fds[0];
    channel_ = std::make_unique<FrameChannel>(fds[1]);
  }
  void TearDown() override { close(raw_); }

  int raw_ = -1;
  std::unique_ptr<FrameChannel> channel_;
};

TEST_F(RawFrameTest, OversizedFrameIsRefused) {
  const unsigned char header[4] = {0, 0, 0, 0x7f};  // ~2 GiB
  ASSERT_EQ(write(raw_, header, 4), 4);
  EXPECT_EQ(channel_->Read().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RawFrameTest, FrameClaimingAMissingDescriptorIsRefused) {
  const unsigned char frame[6] = {2, 0, 0, 0x80, 'h', 'i'};
  ASSERT_EQ(write(raw_, frame, 6), 6);
  EXPECT_EQ(channel_->Read().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RawFrameTest, TruncatedFrameIsUnavailable) {
  const unsigned char frame[5] = {9, 0, 0, 0, 'h'};
  ASSERT_EQ(write(raw_, frame, 5), 5);
  close(raw_);
  raw_ = -1;
  EXPECT_EQ(channel_->Read().status().code(), absl::StatusCode::kUnavailable);
}

TEST(FrameChannelWriteTest, OverTheLimitIsRefusedBeforeWriting) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  FrameChannel a(fds[0]);
  FrameChannel b(fds[1]);
  ToWorker message;
  message.mutable_call()->set_request(
      std::string(FrameChannel::kMaxFrameBytes + 1, 'x'));
  EXPECT_EQ(a.Write(message).code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace lilac::worker
