// Secret on the in-memory Secrets Manager: caching, stages, binary, stale-if-error, backoff,
// version-aware refresh.
#include <gtest/gtest.h>

#include "secret_fixture.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::test {
namespace {

TEST_F(SecretTest, TenReadsMakeOneGetSecretValue) {
  fake->put_secret_string("db", "pw1");
  Secret s("db", sopts());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.value(), "pw1");
  EXPECT_EQ(gets(), 1u);
  EXPECT_EQ(fake->calls()[0].ids, std::vector<std::string>{"db"});
  EXPECT_EQ(fake->calls()[0].version_stage, "AWSCURRENT");
  auto view = s.value_view();
  EXPECT_EQ(view, "pw1");
  EXPECT_EQ(s.version_stages(), std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(gets(), 1u);
}

TEST_F(SecretTest, StagesAfterRotation) {
  const std::string v1 = fake->put_secret_string("db", "pw1");
  Secret current("db", sopts(10s));
  Secret previous("db",
                  {.max_age = 10s, .version_stage = "AWSPREVIOUS", .client = fake, .clock = clock});
  Secret pinned("db", {.version_id = v1, .client = fake, .clock = clock});
  EXPECT_EQ(current.value(), "pw1");
  EXPECT_EQ(current.version_id(), v1);
  EXPECT_THROW((void)previous.value(), InvalidParameterError);  // no AWSPREVIOUS yet
  const std::string v2 = fake->put_secret_string("db", "pw2");
  fake->put_secret_string("db", "pending", {"AWSPENDING"});
  EXPECT_EQ(current.value(), "pw1");  // cached until max_age
  clock->advance(11s);
  EXPECT_EQ(current.value(), "pw2");
  EXPECT_EQ(current.version_id(), v2);
  EXPECT_EQ(pinned.value(), "pw1");
  Secret pending("db", {.version_stage = "AWSPENDING", .client = fake, .clock = clock});
  EXPECT_EQ(pending.value(), "pending");
  clock->advance(60s);  // past the not-found backoff of `previous`
  EXPECT_EQ(previous.value(), "pw1");
  EXPECT_EQ(previous.version_stages(), std::vector<std::string>{"AWSPREVIOUS"});
  EXPECT_THROW(Secret("db", {.version_stage = "X", .version_id = v1, .client = fake}),
               ConfigurationError);
  EXPECT_THROW(Secret("", sopts()), InvalidNameError);
}

// record(): the whole GetSecretValue answer of the cached version, for callers that answer
// in that shape (the sidecar); read through the id's ARN too, and after version-aware refreshes.
TEST_F(SecretTest, RecordIsTheWholeCachedVersion) {
  const std::string v1 = fake->put_secret_string("db", "pw1");
  fake->put_secret_binary("cert", std::string("\x00\x01", 2));
  Secret by_arn(std::string(FakeSecretsClient::kArnPrefix) + "db", sopts(10s));
  Secret previous("db", {.version_stage = "AWSPREVIOUS", .client = fake, .clock = clock});
  const SecretValue r = by_arn.record();
  EXPECT_EQ(r.name, "db");  // Secrets Manager's name, not the id or the cache key
  EXPECT_EQ(r.arn, std::string(FakeSecretsClient::kArnPrefix) + "db");
  EXPECT_EQ(r.version_id, v1);
  EXPECT_EQ(r.secret_string, "pw1");
  EXPECT_FALSE(r.secret_binary.has_value());
  EXPECT_EQ(r.version_stages, std::vector<std::string>{"AWSCURRENT"});
  const SecretValue b = Secret("cert", sopts()).record();
  EXPECT_EQ(b.name, "cert");
  EXPECT_EQ(b.secret_binary, std::string("\x00\x01", 2));
  EXPECT_FALSE(b.secret_string.has_value());
  const std::string v2 = fake->put_secret_string("db", "pw2");
  const SecretValue p = previous.record();
  EXPECT_EQ(p.name, "db");
  EXPECT_EQ(p.version_id, v1);
  EXPECT_EQ(p.version_stages, std::vector<std::string>{"AWSPREVIOUS"});
  clock->advance(11s);
  EXPECT_EQ(by_arn.record().version_id, v2);
  EXPECT_EQ(by_arn.record().name, "db");
  const std::size_t before = gets();
  clock->advance(11s);  // nothing moved: DescribeSecret only, the record stays whole
  EXPECT_EQ(by_arn.record().name, "db");
  EXPECT_EQ(by_arn.record().secret_string, "pw2");
  EXPECT_EQ(gets(), before);
}

TEST_F(SecretTest, BinarySecrets) {
  const std::string bytes("\x00\x01\xff\n", 4);
  fake->put_secret_binary("cert", bytes);
  fake->put_secret_string("text", "t");
  Secret bin("cert", sopts());
  Secret text("text", sopts());
  EXPECT_EQ(bin.binary(), bytes);
  EXPECT_THROW((void)bin.value(), Error);
  EXPECT_THROW((void)bin.value_view(), Error);
  EXPECT_THROW((void)text.binary(), Error);
  EXPECT_EQ(text.value(), "t");
  EXPECT_EQ(gets(), 2u);
  try {
    (void)bin.value();
  } catch (const Error& e) {
    // Asking a binary secret for text is the caller's mistake, not a protocol failure.
    EXPECT_EQ(e.kind(), ErrorKind::invalid_argument);
    EXPECT_EQ(std::string(e.what()).find('\xff'), std::string::npos);  // no value in errors
  }
}

TEST_F(SecretTest, StaleIfErrorServesLastValue) {
  fake->put_secret_string("db", "pw1");
  SecretOptions o = sopts(10s);
  o.version_aware_refresh = false;
  Secret s("db", o);
  EXPECT_EQ(s.value(), "pw1");
  clock->advance(11s);
  fake->fail_next_with(1, throttled());
  EXPECT_EQ(s.value(), "pw1");  // transient failure: the last good value
  EXPECT_EQ(s.stats().stale_serves, 1u);
  fake->fail_next_with(1, throttled());
  EXPECT_THROW(s.refresh(), AwsError);  // an explicit refresh reports the failure
  EXPECT_EQ(s.value(), "pw1");
  fake->put_secret_string("db", "pw2");
  clock->advance(60s);  // past the backoff
  EXPECT_EQ(s.value(), "pw2");
}

TEST_F(SecretTest, MaxStaleZeroThrows) {
  fake->put_secret_string("db", "pw1");
  SecretOptions o = sopts(10s);
  o.max_stale = 0ms;
  Secret s("db", o);
  EXPECT_EQ(s.value(), "pw1");
  clock->advance(11s);
  fake->fail_next_with(5, throttled());
  EXPECT_THROW((void)s.value(), AwsError);
}

TEST_F(SecretTest, MissingSecretIsRememberedWithBackoff) {
  Secret s("nope", sopts(10s));
  EXPECT_THROW((void)s.value(), InvalidParameterError);
  const std::size_t after_first = fake->call_count();
  for (int i = 0; i < 5; ++i) EXPECT_THROW((void)s.value(), InvalidParameterError);
  EXPECT_EQ(fake->call_count(), after_first);  // backoff: no call per read
  fake->put_secret_string("nope", "now");
  clock->advance(2s);
  EXPECT_EQ(s.value(), "now");
}

TEST_F(SecretTest, DefinitiveErrorIsThrown) {
  fake->put_secret_string("db", "pw1");
  fake->fail_next_with(1, AwsError("GetSecretValue failed: AccessDeniedException (HTTP 400)",
                                   "AccessDeniedException", "denied", 400, "r"));
  Secret s("db", sopts(10s));
  EXPECT_THROW((void)s.value(), AwsError);
  EXPECT_THROW((void)s.value(), AwsError);  // remembered during the backoff, no call
  EXPECT_EQ(gets(), 1u);
  clock->advance(2s);
  EXPECT_EQ(s.value(), "pw1");
}

TEST_F(SecretTest, VersionAwareRefreshFetchesOnlyWhenTheStageMoved) {
  fake->put_secret_string("db", "pw1");
  Secret s("db", sopts(10s));
  EXPECT_EQ(s.value(), "pw1");
  EXPECT_EQ(gets(), 1u);
  for (int i = 0; i < 3; ++i) {
    clock->advance(11s);
    EXPECT_EQ(s.value(), "pw1");
  }
  EXPECT_EQ(gets(), 1u);  // nothing changed: DescribeSecret only
  EXPECT_EQ(describes(), 3u);
  fake->put_secret_string("db", "pw2", {"AWSPENDING"});  // not current yet: still no fetch
  clock->advance(11s);
  EXPECT_EQ(s.value(), "pw1");
  EXPECT_EQ(gets(), 1u);
  fake->put_secret_string("db", "pw3");
  clock->advance(11s);
  EXPECT_EQ(s.value(), "pw3");
  EXPECT_EQ(gets(), 2u);
  s.refresh();  // explicit refresh is version-aware too
  EXPECT_EQ(gets(), 2u);
}

TEST_F(SecretTest, ProcessDefaultClient) {
  fake->put_secret_string("db", "pw1");
  Secret::set_secrets_client(fake);
  Secret s("db", {.clock = clock});
  EXPECT_EQ(s.value(), "pw1");
  Secret::set_secrets_client(nullptr);
}

TEST_F(SecretTest, RefreshOnError) {
  fake->put_secret_string("db", "pw1");
  Secret s("db", sopts());
  EXPECT_EQ(s.value(), "pw1");
  fake->put_secret_string("db", "pw2");
  int calls = 0;
  auto login = s.refresh_on_error<std::runtime_error>([&](bool is_retry) {
    ++calls;
    if (!is_retry) throw std::runtime_error("bad password");
    return s.value();
  });
  EXPECT_EQ(login(), "pw2");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace ssm_cache::test
