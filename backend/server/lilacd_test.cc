// Runs the real lilacd binary and talks to it over real gRPC: ListProtocols,
// health checking, reflection, and clear start-up errors.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/version/version.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "lilac/v1/lilac.grpc.pb.h"
#include "testing/grpc_protos/health.grpc.pb.h"
#include "testing/grpc_protos/reflection.grpc.pb.h"
#include "testing/lilacd/lilacd_process.h"

namespace lilac {
namespace {

using ::lilac::testing::LilacdProcess;
using ::lilac::testing::RunfilePath;
using ::lilac::testing::RunProcess;
using ::testing::HasSubstr;

const v1::Protocol* FindProtocol(const v1::ListProtocolsResponse& response,
                                 const std::string& id) {
  for (const v1::Protocol& protocol : response.protocols()) {
    if (protocol.id() == id) return &protocol;
  }
  return nullptr;
}

const v1::AccountOption* FindOption(const v1::Protocol& protocol,
                                    const std::string& key) {
  for (const v1::AccountOption& option : protocol.options()) {
    if (option.key() == key) return &option;
  }
  return nullptr;
}

v1::ListProtocolsResponse ListProtocols(const LilacdProcess& lilacd) {
  auto stub = v1::LilacService::NewStub(lilacd.NewChannel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::ListProtocolsResponse response;
  grpc::Status status =
      stub->ListProtocols(&context, v1::ListProtocolsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::ListPluginsResponse ListPlugins(const LilacdProcess& lilacd) {
  auto stub = v1::LilacService::NewStub(lilacd.NewChannel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::ListPluginsResponse response;
  grpc::Status status =
      stub->ListPlugins(&context, v1::ListPluginsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST(LilacdTest, ListsJabberAndIrcWithTheirRealOptions) {
  auto lilacd = LilacdProcess::Start({});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();

  v1::ListProtocolsResponse response = ListProtocols(**lilacd);
  EXPECT_TRUE(std::is_sorted(
      response.protocols().begin(), response.protocols().end(),
      [](const auto& a, const auto& b) { return a.id() < b.id(); }));

  const v1::Protocol* jabber = FindProtocol(response, "prpl-jabber");
  ASSERT_NE(jabber, nullptr);
  EXPECT_EQ(jabber->name(), "XMPP");
  EXPECT_TRUE(jabber->password_optional() || jabber->password_required());
  EXPECT_TRUE(jabber->supports_group_chats());
  const v1::AccountOption* security =
      FindOption(*jabber, "connection_security");
  ASSERT_NE(security, nullptr);
  EXPECT_EQ(security->type(), v1::AccountOption::TYPE_STRING_LIST);
  EXPECT_EQ(security->string_default(), "require_tls");
  std::vector<std::string> values;
  for (const auto& choice : security->choices())
    values.push_back(choice.value());
  EXPECT_THAT(values, ::testing::UnorderedElementsAre(
                          "require_tls", "opportunistic_tls", "old_ssl"));
  ASSERT_GE(jabber->username_parts_size(), 2);
  EXPECT_EQ(jabber->username_parts(0).separator(), "@");

  const v1::Protocol* irc = FindProtocol(response, "prpl-irc");
  ASSERT_NE(irc, nullptr);
  EXPECT_TRUE(irc->supports_group_chats());
  const v1::AccountOption* port = FindOption(*irc, "port");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->type(), v1::AccountOption::TYPE_INT);
  EXPECT_EQ(port->int_default(), 6667);
  const v1::AccountOption* ssl = FindOption(*irc, "ssl");
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(ssl->type(), v1::AccountOption::TYPE_BOOL);
  EXPECT_FALSE(ssl->bool_default());
}

TEST(LilacdTest, ServesOnAUnixSocket) {
  // TEST_TMPDIR is too long for a socket path (108 bytes at most).
  char dir[] = "/tmp/lilac-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string socket_path = absl::StrCat(dir, "/lilacd.sock");
  auto lilacd = LilacdProcess::Start({.listen = "unix:" + socket_path});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  EXPECT_EQ((*lilacd)->address(), "unix:" + socket_path);
  EXPECT_NE(FindProtocol(ListProtocols(**lilacd), "prpl-irc"), nullptr);
  ASSERT_TRUE((*lilacd)->Stop().ok());
  // lilacd removes its socket when it stops, so the directory is empty again.
  EXPECT_EQ(rmdir(dir), 0) << std::strerror(errno);
}

TEST(LilacdTest, ReportsServingOnTheHealthService) {
  auto lilacd = LilacdProcess::Start({});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  auto health = grpc::health::v1::Health::NewStub((*lilacd)->NewChannel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // The API by its service name, as load balancers and clients ask.
  grpc::ClientContext by_name_context;
  by_name_context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(30));
  request.set_service("lilac.v1.LilacService");
  status = health->Check(&by_name_context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST(LilacdTest, ServesReflectionV1ToCurrentTools) {
  using grpc::reflection::v1::ServerReflection;
  using grpc::reflection::v1::ServerReflectionRequest;
  using grpc::reflection::v1::ServerReflectionResponse;
  auto lilacd = LilacdProcess::Start({});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  auto reflection = ServerReflection::NewStub((*lilacd)->NewChannel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  auto stream = reflection->ServerReflectionInfo(&context);

  ServerReflectionRequest list;
  list.set_list_services("");
  ServerReflectionResponse listed;
  ASSERT_TRUE(stream->Write(list) && stream->Read(&listed));
  std::vector<std::string> services;
  for (const auto& service : listed.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_THAT(services, ::testing::Contains("lilac.v1.LilacService"));
  EXPECT_THAT(services,
              ::testing::Contains("grpc.reflection.v1.ServerReflection"));

  // The API's file and every file it imports, each once, that rebuild it.
  ServerReflectionRequest by_symbol;
  by_symbol.set_file_containing_symbol("lilac.v1.LilacService");
  ServerReflectionResponse files;
  ASSERT_TRUE(stream->Write(by_symbol) && stream->Read(&files));
  ASSERT_TRUE(files.has_file_descriptor_response());
  google::protobuf::DescriptorPool pool;
  std::vector<google::protobuf::FileDescriptorProto> protos;
  std::set<std::string> names;
  for (const std::string& bytes :
       files.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto proto;
    ASSERT_TRUE(proto.ParseFromString(bytes));
    EXPECT_TRUE(names.insert(proto.name()).second) << proto.name();
    protos.push_back(proto);
  }
  EXPECT_EQ(protos.front().name(), "lilac/v1/lilac.proto");
  EXPECT_TRUE(names.count("lilac/v1/events.proto"));
  EXPECT_TRUE(names.count("google/protobuf/duration.proto"));
  // In any order, as clients take them: build what has its imports built.
  std::set<std::string> built;
  for (size_t pass = 0; pass < protos.size() && built.size() < protos.size();
       ++pass) {
    for (const auto& proto : protos) {
      if (built.count(proto.name())) continue;
      bool ready = true;
      for (const std::string& dependency : proto.dependency()) {
        ready &= built.count(dependency) > 0;
      }
      if (!ready) continue;
      ASSERT_NE(pool.BuildFile(proto), nullptr) << proto.name();
      built.insert(proto.name());
    }
  }
  EXPECT_EQ(built.size(), protos.size());
  const google::protobuf::ServiceDescriptor* service =
      pool.FindServiceByName("lilac.v1.LilacService");
  ASSERT_NE(service, nullptr);
  EXPECT_NE(service->FindMethodByName("StreamEvents"), nullptr);

  ServerReflectionRequest unknown;
  unknown.set_file_containing_symbol("lilac.v1.NoSuchThing");
  ServerReflectionResponse missing;
  ASSERT_TRUE(stream->Write(unknown) && stream->Read(&missing));
  EXPECT_EQ(missing.error_response().error_code(),
            static_cast<int>(grpc::StatusCode::NOT_FOUND));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(LilacdTest, ExposesTheApiThroughReflection) {
  using grpc::reflection::v1alpha::ServerReflection;
  using grpc::reflection::v1alpha::ServerReflectionRequest;
  using grpc::reflection::v1alpha::ServerReflectionResponse;
  auto lilacd = LilacdProcess::Start({});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  auto reflection = ServerReflection::NewStub((*lilacd)->NewChannel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  auto stream = reflection->ServerReflectionInfo(&context);

  ServerReflectionRequest list;
  list.set_list_services("");
  ServerReflectionResponse listed;
  ASSERT_TRUE(stream->Write(list) && stream->Read(&listed));
  std::vector<std::string> services;
  for (const auto& service : listed.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_THAT(services, ::testing::Contains("lilac.v1.LilacService"));
  EXPECT_THAT(services, ::testing::Contains("grpc.health.v1.Health"));

  // A client with no generated code for lilac rebuilds the API from the
  // descriptors.
  ServerReflectionRequest by_symbol;
  by_symbol.set_file_containing_symbol("lilac.v1.LilacService");
  ServerReflectionResponse files;
  ASSERT_TRUE(stream->Write(by_symbol) && stream->Read(&files));
  ASSERT_TRUE(files.has_file_descriptor_response())
      << files.error_response().error_message();
  google::protobuf::SimpleDescriptorDatabase database;
  for (const std::string& bytes :
       files.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    database.Add(file);
  }
  google::protobuf::DescriptorPool pool(&database);
  const google::protobuf::MethodDescriptor* method =
      pool.FindMethodByName("lilac.v1.LilacService.ListProtocols");
  ASSERT_NE(method, nullptr);
  const google::protobuf::Descriptor* protocol =
      pool.FindMessageTypeByName("lilac.v1.Protocol");
  ASSERT_NE(protocol, nullptr);
  EXPECT_NE(protocol->FindFieldByName("options"), nullptr);
  stream->WritesDone();
}

TEST(LilacdTest, StopsCleanlyOnSigterm) {
  auto lilacd = LilacdProcess::Start({});
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  absl::StatusOr<int> exit_code = (*lilacd)->Stop();
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
}

TEST(LilacdTest, MissingPluginDirectoryIsAClearStartupError) {
  auto result =
      RunProcess({RunfilePath("backend/server/lilacd"), "--listen=127.0.0.1:0",
                  "--plugin_dirs=/nonexistent/lilac-plugins"},
                 absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text,
              HasSubstr("plugin directory /nonexistent/lilac-plugins"));
}

// A directory holding a file that looks like a plugin but is not loadable.
std::string PluginDirWithGarbage() {
  std::string dir = ::testing::TempDir() + "/garbage-plugins-XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr) << std::strerror(errno);
  FILE* file = std::fopen((dir + "/broken.so").c_str(), "w");
  EXPECT_NE(file, nullptr);
  // Long enough for the linker to read a header and refuse it.
  for (int i = 0; i < 64; ++i) std::fputs("this is not an ELF file\n", file);
  std::fclose(file);
  return dir;
}

TEST(LilacdTest, ListsEveryPluginWithWhyOneDoesNotLoad) {
  const std::string dir = PluginDirWithGarbage();
  LilacdProcess::Options options;
  options.extra_flags = {"--plugin_dirs=" + dir};
  auto lilacd = LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  auto stub = v1::LilacService::NewStub((*lilacd)->NewChannel());

  const v1::ListPluginsResponse plugins = ListPlugins(**lilacd);
  EXPECT_TRUE(std::is_sorted(
      plugins.plugins().begin(), plugins.plugins().end(),
      [](const auto& a, const auto& b) { return a.file() < b.file(); }));
  using ::testing::AllOf;
  using ::testing::Contains;
  using ::testing::Property;
  EXPECT_THAT(
      plugins.plugins(),
      Contains(AllOf(
          Property(&v1::Plugin::file, dir + "/broken.so"),
          Property(&v1::Plugin::id, ""), Property(&v1::Plugin::loaded, false),
          Property(&v1::Plugin::load_error, HasSubstr("invalid ELF header")))));
  EXPECT_THAT(
      plugins.plugins(),
      Contains(AllOf(Property(&v1::Plugin::id, "prpl-irc"),
                     Property(&v1::Plugin::type, v1::Plugin::TYPE_PROTOCOL),
                     Property(&v1::Plugin::loaded, true))));
  // A standard plugin of libpurple's own, found but not loaded.
  EXPECT_THAT(
      plugins.plugins(),
      Contains(AllOf(Property(&v1::Plugin::type, v1::Plugin::TYPE_STANDARD),
                     Property(&v1::Plugin::loaded, false),
                     Property(&v1::Plugin::load_error, ""))));

  struct Case {
    std::string plugin;
    grpc::StatusCode code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"broken.so", grpc::StatusCode::FAILED_PRECONDITION,
            "invalid ELF header"},
           {"no-such-plugin", grpc::StatusCode::NOT_FOUND, "no-such-plugin"},
           {"", grpc::StatusCode::INVALID_ARGUMENT, "plugin is required"},
       }) {
    grpc::ClientContext load_context;
    v1::LoadPluginRequest request;
    request.set_plugin(c.plugin);
    v1::LoadPluginResponse response;
    grpc::Status status = stub->LoadPlugin(&load_context, request, &response);
    EXPECT_EQ(status.error_code(), c.code) << c.plugin;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message)) << c.plugin;
  }
  // Logging in with a protocol that is not there names what did not load.
  grpc::ClientContext login_context;
  v1::LoginRequest login;
  login.set_session("s");
  login.set_protocol("prpl-broken");
  login.set_username("someone");
  v1::LoginResponse logged_in;
  grpc::Status refused = stub->Login(&login_context, login, &logged_in);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("unknown protocol \"prpl-broken\""));
  EXPECT_THAT(refused.error_message(),
              HasSubstr(dir + "/broken.so: invalid ELF header"));

  // A plugin that loads, by libpurple's id (psychic: "core-psychic").
  grpc::ClientContext load_context;
  v1::LoadPluginRequest request;
  request.set_plugin("core-psychic");
  v1::LoadPluginResponse response;
  grpc::Status status = stub->LoadPlugin(&load_context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.outcome(), v1::LoadPluginResponse::OUTCOME_LOADED);
  EXPECT_TRUE(response.plugin().loaded());
}

TEST(LilacdTest, APluginWhoseLibraryIsMissingSaysWhichLibrary) {
  std::string dir = ::testing::TempDir() + "/missing-lib-plugins-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr) << std::strerror(errno);
  {
    std::ifstream from(
        RunfilePath("backend/server/testdata/needs_absent_library.so"),
        std::ios::binary);
    std::ofstream to(dir + "/needs_absent_library.so", std::ios::binary);
    to << from.rdbuf();
  }
  LilacdProcess::Options options;
  options.extra_flags = {"--plugin_dirs=" + dir};
  auto lilacd = LilacdProcess::Start(options);
  ASSERT_TRUE(lilacd.ok()) << lilacd.status();
  const v1::ListPluginsResponse plugins = ListPlugins(**lilacd);
  EXPECT_THAT(
      plugins.plugins(),
      ::testing::Contains(::testing::AllOf(
          ::testing::Property(&v1::Plugin::file,
                              dir + "/needs_absent_library.so"),
          ::testing::Property(&v1::Plugin::load_error,
                              HasSubstr("libabsent_library.so: cannot open "
                                        "shared object file")))));
}

TEST(LilacdTest, APluginThatDoesNotLoadIsAClearStartupError) {
  const std::string dir = PluginDirWithGarbage();
  auto result =
      RunProcess({RunfilePath("backend/server/lilacd"), "--listen=127.0.0.1:0",
                  "--plugin_dirs=" + dir, "--load_plugins=broken.so"},
                 absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text, HasSubstr("broken.so does not load"));
  EXPECT_THAT(result->stderr_text, HasSubstr("invalid ELF header"));
}

TEST(LilacdTest, LogsJsonLinesWhenAsked) {
  const std::string dir = PluginDirWithGarbage();
  // A broken plugin makes lilacd log a warning, then the start fails.
  auto result = RunProcess(
      {RunfilePath("backend/server/lilacd"), "--listen=127.0.0.1:0",
       "--log_format=json", "--plugin_dirs=" + dir, "--load_plugins=broken.so"},
      absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  std::vector<std::string> lines =
      absl::StrSplit(result->stderr_text, '\n', absl::SkipEmpty());
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    // lilacd's own lines, and its workers'.
    EXPECT_THAT(line,
                ::testing::AnyOf(HasSubstr("\"program\":\"lilacd\""),
                                 HasSubstr("\"program\":\"lilacd-worker\"")))
        << line;
  }
  EXPECT_THAT(result->stderr_text, HasSubstr("\"level\":\"WARNING\""));
  EXPECT_THAT(result->stderr_text, HasSubstr("\"component\":\"plugins\""));
  EXPECT_THAT(result->stderr_text, HasSubstr("\"level\":\"ERROR\""));
}

TEST(LilacdTest, AnUnknownLogFormatIsAClearStartupError) {
  auto result = RunProcess({RunfilePath("backend/server/lilacd"),
                            "--listen=127.0.0.1:0", "--log_format=xml"},
                           absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text,
              HasSubstr("--log_format must be text or json, not \"xml\""));
}

TEST(LilacdTest, UnusableSocketPathIsAClearStartupError) {
  auto result = RunProcess({RunfilePath("backend/server/lilacd"),
                            "--listen=unix:/nonexistent/dir/lilacd.sock"},
                           absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text, HasSubstr("cannot create unix socket "
                                             "/nonexistent/dir/lilacd.sock"));
}

TEST(LilacdTest, RefusesANonLoopbackAddressUnlessAllowed) {
  auto result =
      RunProcess({RunfilePath("backend/server/lilacd"), "--listen=0.0.0.0:0"},
                 absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text, HasSubstr("non-loopback"));
}

TEST(LilacdTest, HelpListsEveryFlag) {
  auto result = RunProcess({RunfilePath("backend/server/lilacd"), "--help"},
                           absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0);  // asked-for help is a success
  const std::string help = result->stdout_text + result->stderr_text;
  for (const char* flag :
       {"--listen", "--allow_remote_listen", "--address_file", "--plugin_dirs",
        "--purple_debug", "--load_plugins", "--log_format"}) {
    EXPECT_THAT(help, HasSubstr(flag));
  }
}

TEST(LilacdTest, VersionPrintsTheVersion) {
  auto result = RunProcess({RunfilePath("backend/server/lilacd"), "--version"},
                           absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->stdout_text, absl::StrCat("lilacd ", kVersion, "\n"));
}

TEST(LilacdTest, AnUnknownFlagFailsClearly) {
  auto result =
      RunProcess({RunfilePath("backend/server/lilacd"), "--no_such_flag=1"},
                 absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_THAT(result->stderr_text, HasSubstr("no_such_flag"));
}

}  // namespace
}  // namespace lilac
