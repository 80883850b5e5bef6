// File transfers both ways through lilacd's API, with the fake plugin moving
// the bytes over its connection through libpurple's transfer API: spooling,
// fetching once, the size cap (announced and actual), cancels by the peer,
// sending, plugins that misuse the API, and logout clearing the spool; both
// ways in chunks, with bad or abandoned streams leaving nothing behind.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/integration/fake_network_fixture.h"
#include "testing/lilacd/file_transfers.h"

namespace lilac::testing {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kMaxFileSize = 300000;

// Bytes of a PNG (by its signature), `size` long in all.
std::string PngBytes(size_t size) {
  std::string data("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  while (data.size() < size) data += static_cast<char>(data.size() * 7 % 251);
  data.resize(size);
  return data;
}

std::string TextBytes(size_t size, char fill) {
  std::string data(size, fill);
  for (size_t i = 0; i < size; i += 100) data[i] = '\n';
  return data;
}

class FilesTest : public FakeNetworkTest {
 protected:
  FilesTest() {
    static std::atomic<int> counter{0};
    spool_ =
        absl::StrCat(::testing::TempDir(), "/spool-", getpid(), "-", counter++);
    lilacd_flags_ = {absl::StrCat("--spool_dir=", spool_),
                     absl::StrCat("--max_file_size=", kMaxFileSize)};
  }

  void SetUp() override {
    FakeNetworkTest::SetUp();
    LoginConnected("alice", "alice");
  }

  void Inject(const std::string& account, fake::v1::InjectFileRequest request) {
    request.set_account(account);
    if (request.from().empty()) request.set_from("bob");
    Control(&fake::v1::FakeNetworkControl::Stub::InjectFile, request);
  }

  fake::v1::InjectFileRequest File(const std::string& filename,
                                   const std::string& data) {
    fake::v1::InjectFileRequest request;
    request.set_filename(filename);
    request.set_data(data);
    return request;
  }

  absl::StatusOr<v1::Event> Next(const std::string& session,
                                 v1::Event::KindCase kind) {
    return client_->WaitFor(EventOf(session, kind));
  }

  grpc::Status Fetch(const std::string& session, uint64_t id,
                     FetchedFile* file) {
    v1::FetchFileRequest request;
    request.set_session(session);
    request.set_transfer_id(id);
    return FetchWholeFile(client_->stub(), request, file);
  }

  // SendFile from alice to bob, in chunks of `chunk_bytes`.
  grpc::Status Send(const std::string& filename, const std::string& data,
                    v1::SendFileResponse* response,
                    size_t chunk_bytes = 64 * 1024) {
    return SendFileMessages(client_->stub(),
                            FileChunks(Header(filename), data, chunk_bytes),
                            response);
  }

  static v1::SendFileRequest Header(const std::string& filename) {
    v1::SendFileRequest header;
    header.set_session("alice");
    header.set_to("bob");
    header.set_filename(filename);
    return header;
  }

  int EventsOf(const std::string& session, v1::Event::KindCase kind) {
    int count = 0;
    for (const v1::Event& event : client_->Events()) {
      if (event.session() == session && event.kind_case() == kind) ++count;
    }
    return count;
  }

  // Regular files anywhere in the spool.
  int SpooledFiles() {
    int count = 0;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(spool_, error);
         !error && it != std::filesystem::recursive_directory_iterator();
         it.increment(error)) {
      if (it->is_regular_file()) ++count;
    }
    return count;
  }

  // Polls `condition` for up to 10 s (lilacd cleans up after a call ends on
  // its own threads).
  static bool WaitUntil(const std::function<bool()>& condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (!condition()) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return true;
  }

  std::string spool_;
};

// Files over 1 MiB, so each way they travel in several messages.
class LargeFilesTest : public FilesTest {
 protected:
  LargeFilesTest() {
    lilacd_flags_ = {absl::StrCat("--spool_dir=", spool_),
                     absl::StrCat("--max_file_size=", 3 << 20)};
  }
};

TEST_F(LargeFilesTest, FilesTravelInChunksBothWays) {
  const std::string out = TextBytes(2500000, 'o');
  v1::SendFileResponse response;
  ASSERT_TRUE(Send("big.txt", out, &response, 100000).ok());
  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSentFile);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_TRUE(sent->sent_file().data() == out)
      << sent->sent_file().data().size() << " bytes";

  const std::string in = PngBytes(2500000);
  Inject("alice", File("big.png", in));
  absl::StatusOr<v1::Event> received = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  FetchedFile fetched;
  grpc::Status status =
      Fetch("alice", received->file_received().transfer_id(), &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(fetched.data == in) << fetched.data.size() << " bytes";
  EXPECT_EQ(fetched.size, in.size());
  EXPECT_EQ(fetched.mime_type, "image/png");
  EXPECT_EQ(fetched.messages, 3);  // 1 MiB, 1 MiB, the rest
  EXPECT_EQ(fetched.largest_chunk, 1u << 20);
}

TEST_F(LargeFilesTest, AFetchAbandonedMidwayLeavesTheFileToFetchAgain) {
  const std::string in = PngBytes(2500000);
  Inject("alice", File("big.png", in));
  absl::StatusOr<v1::Event> received = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  v1::FetchFileRequest request;
  request.set_session("alice");
  request.set_transfer_id(received->file_received().transfer_id());
  {
    // A client that takes what it reads, without gRPC's window growth
    // (BDP probing): lilacd cannot hand the whole file to the transport
    // before the cancel arrives.
    grpc::ChannelArguments window;
    window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 * 1024);
    auto slow = v1::LilacService::NewStub(grpc::CreateCustomChannel(
        lilacd_->address(), grpc::InsecureChannelCredentials(), window));
    auto context = LilacClient::Context();
    auto reader = slow->FetchFile(context.get(), request);
    v1::FetchFileResponse first;
    ASSERT_TRUE(reader->Read(&first));
    EXPECT_EQ(first.offset(), 0u);
    context->TryCancel();
    reader->Finish().IgnoreError();
  }
  FetchedFile fetched;
  grpc::Status status = FetchWholeFile(client_->stub(), request, &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(fetched.data == in) << fetched.data.size() << " bytes";
  EXPECT_EQ(SpooledFiles(), 0);
}

TEST_F(FilesTest, ReceivedFileIsSpooledReportedAndFetchedOnce) {
  const std::string data = PngBytes(200000);  // several frames
  Inject("alice", File("holiday.png", data));

  absl::StatusOr<v1::Event> received = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->file_received().sender(), "bob");
  EXPECT_EQ(received->file_received().filename(), "holiday.png");
  EXPECT_EQ(received->file_received().size(), data.size());
  EXPECT_EQ(received->file_received().mime_type(), "image/png");
  EXPECT_EQ(SpooledFiles(), 1);

  FetchedFile fetched;
  grpc::Status status =
      Fetch("alice", received->file_received().transfer_id(), &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fetched.filename, "holiday.png");
  EXPECT_EQ(fetched.mime_type, "image/png");
  EXPECT_TRUE(fetched.data == data) << fetched.data.size() << " bytes";
  EXPECT_EQ(SpooledFiles(), 0);

  FetchedFile again;
  status = Fetch("alice", received->file_received().transfer_id(), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(FilesTest, FileOverTheSizeCapIsRefusedAndNothingWritten) {
  Inject("alice", File("big.bin", TextBytes(kMaxFileSize + 1, 'b')));

  absl::StatusOr<v1::Event> failed =
      Next("alice", v1::Event::kFileTransferFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->file_transfer_failed().peer(), "bob");
  EXPECT_EQ(failed->file_transfer_failed().filename(), "big.bin");
  EXPECT_THAT(failed->file_transfer_failed().failure().message(),
              HasSubstr("larger"));
  EXPECT_EQ(failed->file_transfer_failed().failure().code(),
            v1::FAILURE_CODE_TOO_LARGE);
  EXPECT_FALSE(failed->file_transfer_failed().outgoing());
  EXPECT_NE(failed->file_transfer_failed().transfer_id(), 0u);
  // The plugin told the sender no.
  absl::StatusOr<fake::v1::ClientFrame> refusal =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kCancelFile);
  ASSERT_TRUE(refusal.ok()) << refusal.status();
  EXPECT_EQ(SpooledFiles(), 0);
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileReceived), 0);
}

TEST_F(FilesTest, SizeThatLiesCannotGetPastTheCap) {
  fake::v1::InjectFileRequest liar =
      File("small.txt", TextBytes(2 * kMaxFileSize, 'l'));
  liar.set_declared_size(10);
  Inject("alice", liar);
  absl::StatusOr<v1::Event> failed =
      Next("alice", v1::Event::kFileTransferFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_THAT(failed->file_transfer_failed().failure().message(),
              HasSubstr("larger"));
  EXPECT_EQ(failed->file_transfer_failed().failure().code(),
            v1::FAILURE_CODE_TOO_LARGE);
  EXPECT_EQ(SpooledFiles(), 0);

  // The next honest file still arrives.
  Inject("alice", File("next.txt", TextBytes(1000, 'n')));
  absl::StatusOr<v1::Event> received = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->file_received().filename(), "next.txt");
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileReceived), 1);
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileTransferFailed), 1);
}

TEST_F(FilesTest, PeerCancellingMidwayFailsTheTransfer) {
  fake::v1::InjectFileRequest request =
      File("movie.txt", TextBytes(200000, 'm'));
  request.set_cancel_after_bytes(70000);
  Inject("alice", request);

  absl::StatusOr<v1::Event> failed =
      Next("alice", v1::Event::kFileTransferFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->file_transfer_failed().filename(), "movie.txt");
  EXPECT_THAT(failed->file_transfer_failed().failure().message(),
              HasSubstr("peer"));
  EXPECT_EQ(failed->file_transfer_failed().failure().code(),
            v1::FAILURE_CODE_CANCELLED);
  EXPECT_EQ(SpooledFiles(), 0);  // the partial file is gone
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileReceived), 0);
}

TEST_F(FilesTest, SendFileDeliversTheBytesThenReportsFileSent) {
  const std::string data = TextBytes(150000, 's');
  v1::SendFileResponse response;
  grpc::Status status = Send("report.txt", data, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  absl::StatusOr<fake::v1::ClientFrame> sent =
      WaitForClientFrame("alice", fake::v1::ClientFrame::kSentFile);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->sent_file().to(), "bob");
  EXPECT_EQ(sent->sent_file().filename(), "report.txt");
  EXPECT_TRUE(sent->sent_file().data() == data)
      << sent->sent_file().data().size() << " bytes";

  absl::StatusOr<v1::Event> done = Next("alice", v1::Event::kFileSent);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->file_sent().to(), "bob");
  EXPECT_EQ(done->file_sent().filename(), "report.txt");
  EXPECT_EQ(done->file_sent().size(), data.size());
  EXPECT_NE(response.transfer_id(), 0u);
  EXPECT_EQ(done->file_sent().transfer_id(), response.transfer_id());
  EXPECT_EQ(SpooledFiles(), 0);  // the staged copy is removed
}

TEST_F(FilesTest, TwoTransfersToOnePeerAreToldApartByTheirIds) {
  // Same peer, same name: only the id says which FileSent is which.
  uint64_t ids[2] = {0, 0};
  const size_t sizes[2] = {1000, 2000};
  for (int i = 0; i < 2; ++i) {
    v1::SendFileResponse response;
    grpc::Status status =
        Send("same.txt", TextBytes(sizes[i], 'a' + i), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ids[i] = response.transfer_id();
  }
  EXPECT_NE(ids[0], 0u);
  EXPECT_NE(ids[1], 0u);
  EXPECT_NE(ids[0], ids[1]);
  // Either may finish first.
  for (int done = 0; done < 2; ++done) {
    ASSERT_TRUE(Next("alice", v1::Event::kFileSent).ok());
  }
  std::map<uint64_t, uint64_t> size_of_id;
  for (const v1::Event& event : client_->Events()) {
    if (event.session() == "alice" && event.has_file_sent()) {
      size_of_id[event.file_sent().transfer_id()] = event.file_sent().size();
    }
  }
  EXPECT_THAT(size_of_id, ::testing::UnorderedElementsAre(
                              ::testing::Pair(ids[0], sizes[0]),
                              ::testing::Pair(ids[1], sizes[1])));
}

TEST_F(FilesTest, EmptyFilesAreNotSent) {
  v1::SendFileResponse response;
  grpc::Status status = Send("empty.txt", "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("size is required"));
}

TEST_F(FilesTest, BadChunksAreRefusedAndLeaveNothingBehind) {
  const std::string data = TextBytes(3000, 'c');
  struct Case {
    const char* what;
    std::vector<v1::SendFileRequest> messages;
    const char* error;
  };
  std::vector<Case> cases;
  auto chunk = [](uint64_t offset, size_t size) {
    v1::SendFileRequest message;
    message.set_offset(offset);
    message.set_data(std::string(size, 'z'));
    return message;
  };
  auto first = [&](size_t size, size_t sent) {
    v1::SendFileRequest header = Header("c.txt");
    header.set_size(size);
    header.set_data(std::string(sent, 'a'));
    return header;
  };
  cases.push_back(
      {"out of order", {first(3000, 1000), chunk(2000, 1000)}, "out of order"});
  cases.push_back(
      {"repeated", {first(3000, 1000), chunk(0, 1000)}, "repeated"});
  cases.push_back({"past size",
                   {first(1000, 600), chunk(600, 500)},
                   "more bytes than size"});
  cases.push_back({"ended early",
                   {first(3000, 1000), chunk(1000, 1000)},
                   "ended after 2000 of 3000 bytes"});
  v1::SendFileRequest header_again = chunk(1000, 1000);
  header_again.set_session("alice");
  cases.push_back({"header again",
                   {first(3000, 1000), header_again},
                   "first message only"});
  cases.push_back(
      {"empty chunk", {first(3000, 1000), chunk(1000, 0)}, "data is required"});
  cases.push_back({"huge chunk",
                   {first(3 << 20, 0), chunk(0, (1 << 20) + 1)},
                   "smaller chunks"});
  cases.push_back({"huge file", {first((64 << 20) + 1, 0)}, "size is larger"});
  cases.push_back({"no message", {}, "before its first message"});
  for (const Case& c : cases) {
    v1::SendFileResponse response;
    grpc::Status status =
        SendFileMessages(client_->stub(), c.messages, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.what << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.error)) << c.what;
  }
  // Nothing was offered, nothing stays staged; a good file still goes.
  v1::SendFileResponse response;
  ASSERT_TRUE(Send("good.txt", data, &response, 1000).ok());
  absl::StatusOr<v1::Event> sent = Next("alice", v1::Event::kFileSent);
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->file_sent().filename(), "good.txt");
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileSent), 1);
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileTransferFailed), 0);
  EXPECT_EQ(SpooledFiles(), 0);
}

TEST_F(FilesTest, AnUploadTheClientAbandonsLeavesNothingBehind) {
  auto context = LilacClient::Context();
  v1::SendFileResponse response;
  auto writer = client_->stub().SendFile(context.get(), &response);
  std::vector<v1::SendFileRequest> messages =
      FileChunks(Header("gone.txt"), TextBytes(200000, 'g'), 50000);
  ASSERT_TRUE(writer->Write(messages[0]));
  ASSERT_TRUE(writer->Write(messages[1]));
  // The bytes so far are staged while the call is open.
  ASSERT_TRUE(WaitUntil([&] { return SpooledFiles() == 1; }));
  context->TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitUntil([&] { return SpooledFiles() == 0; }))
      << SpooledFiles() << " files left";
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileSent), 0);
}

TEST_F(FilesTest, MisbehavingPluginLeavesLilacdAndOtherSessionsWorking) {
  LoginConnected("carol", "carol");

  // No file name: lilacd names it.
  fake::v1::InjectFileRequest nameless = File("ignored", TextBytes(500, 'x'));
  nameless.set_misbehavior(fake::v1::FILE_MISBEHAVIOR_NO_FILENAME);
  Inject("alice", nameless);
  absl::StatusOr<v1::Event> unnamed = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(unnamed.ok()) << unnamed.status();
  EXPECT_EQ(unnamed->file_received().filename(), "unnamed");
  EXPECT_EQ(unnamed->file_received().size(), 500);

  // Cancelled twice: reported once.
  fake::v1::InjectFileRequest twice = File("twice.txt", TextBytes(90000, 't'));
  twice.set_cancel_after_bytes(1000);
  twice.set_misbehavior(fake::v1::FILE_MISBEHAVIOR_CANCEL_TWICE);
  Inject("alice", twice);
  absl::StatusOr<v1::Event> failed =
      Next("alice", v1::Event::kFileTransferFailed);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->file_transfer_failed().filename(), "twice.txt");

  // Completed without ending, then cancelled: the file counts, whole.
  const std::string data = PngBytes(100000);
  fake::v1::InjectFileRequest late = File("late.png", data);
  late.set_misbehavior(fake::v1::FILE_MISBEHAVIOR_CANCEL_AFTER_COMPLETE);
  Inject("alice", late);
  absl::StatusOr<v1::Event> received = Next("alice", v1::Event::kFileReceived);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->file_received().filename(), "late.png");
  FetchedFile fetched;
  grpc::Status status =
      Fetch("alice", received->file_received().transfer_id(), &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(fetched.data == data) << fetched.data.size() << " bytes";

  // Another session, after all that, still gets its files; every event above
  // came before it.
  Inject("carol", File("fine.txt", TextBytes(2000, 'f')));
  absl::StatusOr<v1::Event> fine = Next("carol", v1::Event::kFileReceived);
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->file_received().filename(), "fine.txt");
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileTransferFailed), 1);
  EXPECT_EQ(EventsOf("alice", v1::Event::kFileReceived), 2);
}

TEST_F(FilesTest, LogoutRemovesTheSessionsSpooledFiles) {
  LoginConnected("carol", "carol");
  Inject("alice", File("a.txt", TextBytes(3000, 'a')));
  ASSERT_TRUE(Next("alice", v1::Event::kFileReceived).ok());
  Inject("carol", File("c.txt", TextBytes(3000, 'c')));
  absl::StatusOr<v1::Event> carols = Next("carol", v1::Event::kFileReceived);
  ASSERT_TRUE(carols.ok()) << carols.status();
  EXPECT_EQ(SpooledFiles(), 2);

  v1::LogoutRequest logout;
  logout.set_session("alice");
  v1::LogoutResponse response;
  grpc::Status status =
      Call(&v1::LilacService::Stub::Logout, logout, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(SpooledFiles(), 1);  // carol's

  FetchedFile fetched;
  status = Fetch("carol", carols->file_received().transfer_id(), &fetched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(fetched.filename, "c.txt");
}

}  // namespace
}  // namespace lilac::testing
