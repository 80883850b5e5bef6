#include "frontend_shim/translate/request_prompt.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lilac::shim {
namespace {

using ::testing::HasSubstr;

TEST(RequestPromptTest, InputShowsEverythingAndTakesTheText) {
  v1::RequestOpened request;
  request.set_request_id(7);
  request.set_kind(v1::RequestOpened::KIND_INPUT);
  request.set_title("Zwei-Faktor");
  request.set_primary("Code eingeben");
  const std::string text = FormatRequest(request);
  EXPECT_THAT(text, HasSubstr("#7"));
  EXPECT_THAT(text, HasSubstr("Code eingeben"));
  auto answer = ParseRequestReply(request, " 123456 ");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(std::get<v1::AnswerRequestRequest>(*answer).text(), "123456");
  auto cancel = ParseRequestReply(request, "Cancel");
  ASSERT_TRUE(cancel.ok());
  EXPECT_TRUE(std::holds_alternative<CancelAnswer>(*cancel));
}

TEST(RequestPromptTest, ActionsByNumberOrLabel) {
  v1::RequestOpened request;
  request.set_kind(v1::RequestOpened::KIND_ACTION);
  request.add_actions("Accept");
  request.add_actions("Reject");
  EXPECT_THAT(FormatRequest(request), HasSubstr("2. Reject"));
  EXPECT_EQ(std::get<v1::AnswerRequestRequest>(*ParseRequestReply(request, "2"))
                .index(),
            1);
  EXPECT_EQ(
      std::get<v1::AnswerRequestRequest>(*ParseRequestReply(request, "accept"))
          .index(),
      0);
  EXPECT_FALSE(ParseRequestReply(request, "9").ok());
}

TEST(RequestPromptTest, FieldsOneLineEach) {
  v1::RequestOpened request;
  request.set_kind(v1::RequestOpened::KIND_FIELDS);
  v1::RequestField* user = request.add_fields();
  user->set_id("user");
  user->set_required(true);
  user->set_type(v1::RequestField::TYPE_STRING);
  v1::RequestField* code = request.add_fields();
  code->set_id("code");
  code->set_type(v1::RequestField::TYPE_STRING);
  auto answer = ParseRequestReply(request, "user: bob\ncode = 42");
  ASSERT_TRUE(answer.ok());
  const auto& fields = std::get<v1::AnswerRequestRequest>(*answer).fields();
  EXPECT_EQ(fields.at("user"), "bob");
  EXPECT_EQ(fields.at("code"), "42");
  EXPECT_FALSE(ParseRequestReply(request, "code: 1").ok());
}

TEST(RequestPromptTest, SplitsARequestId) {
  EXPECT_EQ(SplitRequestId("#12 hello"),
            std::make_pair(uint64_t{12}, std::string("hello")));
  EXPECT_EQ(SplitRequestId("hello"),
            std::make_pair(uint64_t{0}, std::string("hello")));
}

}  // namespace
}  // namespace lilac::shim
