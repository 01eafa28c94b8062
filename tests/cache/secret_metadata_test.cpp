// A cached secret's metadata (Secrets Manager's name, version id, stages, created date) is
// carried typed beside its value (cache/secret_part.hpp), not packed into record fields: it
// survives refreshes (version-aware or not, single or batched), write-through, and names and
// stages in Secrets Manager's whole character set (/_+=.@-).
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "cache/secret_source.hpp"
#include "dated_secrets_client.hpp"
#include "secret_fixture.hpp"
#include "ssm_cache/writes.hpp"

namespace ssm_cache::test {
namespace {

// Every punctuation Secrets Manager allows in a name, and the same in a custom stage.
const std::string kOddName = "prod/app_1+cfg=x.y@corp-db";
const std::string kOddStage = "blue/_+=.@-green";
constexpr auto kCreated = DatedSecretsClient::kCreated;

void expect_metadata(const Secret& s, const std::string& version,
                     const std::vector<std::string>& stages) {
  const SecretValue r = s.record();
  EXPECT_EQ(r.name, kOddName);
  EXPECT_EQ(r.arn, std::string(FakeSecretsClient::kArnPrefix) + kOddName);
  EXPECT_EQ(r.version_id, version);
  EXPECT_EQ(r.version_stages, stages);
  EXPECT_EQ(s.version_id(), version);
  EXPECT_EQ(s.version_stages(), stages);
}

// The source's records hold the value, its kind and the ARN; the metadata is the part's.
TEST_F(SecretTest, SourceRecordsCarryTheMetadataTyped) {
  const std::string v1 = fake->put_secret_string(kOddName, "pw1", {"AWSCURRENT", kOddStage});
  detail::SecretSource source(std::make_shared<DatedSecretsClient>(fake), false);
  const std::string key = source.add({kOddName, "", ""});
  const detail::PartedResult got = source.get_parted({key}, true);
  ASSERT_EQ(got.result.parameters.size(), 1u);
  ASSERT_EQ(got.parts.size(), 1u);
  const ParameterRecord& rec = got.result.parameters[0];
  EXPECT_EQ(rec.name, key);
  EXPECT_EQ(rec.type, detail::kSecretStringType);
  EXPECT_EQ(rec.value, "pw1");
  EXPECT_TRUE(rec.data_type.empty());  // no version id packed into it any more
  EXPECT_TRUE(rec.source_result.empty());  // nor the name and stages
  const auto part = got.part_of(rec);
  ASSERT_NE(part, nullptr);
  EXPECT_EQ(*part, (detail::SecretPart{kOddName, v1, {"AWSCURRENT", kOddStage}, kCreated}));
  // The ParameterClient face answers the same records.
  EXPECT_EQ(source.get_parameters({key}, true).parameters, got.result.parameters);
}

TEST_F(SecretTest, MetadataSurvivesRefreshes) {
  const std::string v1 = fake->put_secret_string(kOddName, "pw1", {"AWSCURRENT", kOddStage});
  SecretOptions o = sopts(10s);
  o.client = std::make_shared<DatedSecretsClient>(fake);
  Secret aware(kOddName, o);
  o.version_aware_refresh = false;
  Secret plain(kOddName, o);
  for (const Secret* s : {&aware, &plain}) {
    expect_metadata(*s, v1, {"AWSCURRENT", kOddStage});
    EXPECT_EQ(s->record().created_date, kCreated);
  }
  // Nothing rotated: the version-aware one keeps its snapshot after DescribeSecret, the
  // other fetches the same version again.
  clock->advance(11s);
  aware.refresh();
  plain.refresh();
  for (const Secret* s : {&aware, &plain}) {
    expect_metadata(*s, v1, {"AWSCURRENT", kOddStage});
    EXPECT_EQ(s->record().created_date, kCreated);
  }
  // Rotated: both take the new version's metadata on their next expired read.
  const std::string v2 = fake->put_secret_string(kOddName, "pw2");
  clock->advance(11s);
  for (const Secret* s : {&aware, &plain}) {
    EXPECT_EQ(s->value(), "pw2");
    expect_metadata(*s, v2, {"AWSCURRENT"});
  }
}

// A rotation is a change event like a parameter's new version; its versions are ids, so the
// event's numbers are 0 and 0 (docs/usage.md) and the handle has the new id.
TEST_F(SecretTest, RotationIsAChangeEventWithTheNewIdOnTheHandle) {
  struct Changes : CacheListener {
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> seen;
    void on_change(const std::string& name, std::int64_t old_version,
                   std::int64_t new_version) override {
      seen.emplace_back(name, old_version, new_version);
    }
  };
  auto changes = std::make_shared<Changes>();
  fake->put_secret_string(kOddName, "pw1");
  SecretOptions o = sopts(10s);
  o.listener = changes;
  Secret s(kOddName, o);
  EXPECT_EQ(s.value(), "pw1");
  EXPECT_TRUE(changes->seen.empty());  // a first fetch is no change
  const std::string v2 = fake->put_secret_string(kOddName, "pw2");
  clock->advance(11s);
  EXPECT_EQ(s.value(), "pw2");
  ASSERT_EQ(changes->seen.size(), 1u);
  EXPECT_EQ(std::get<1>(changes->seen[0]), 0);
  EXPECT_EQ(std::get<2>(changes->seen[0]), 0);
  EXPECT_NE(std::get<0>(changes->seen[0]).find(kOddName), std::string::npos);
  EXPECT_EQ(s.version_id(), v2);
}

TEST_F(SecretTest, OddStageAndPinnedVersionKeepTheirMetadata) {
  const std::string v1 = fake->put_secret_string(kOddName, "pw1", {"AWSCURRENT", kOddStage});
  Secret staged(kOddName, {.version_stage = kOddStage, .client = fake, .clock = clock});
  Secret pinned(kOddName, {.version_id = v1, .client = fake, .clock = clock});
  EXPECT_EQ(staged.value(), "pw1");
  expect_metadata(staged, v1, {"AWSCURRENT", kOddStage});
  expect_metadata(pinned, v1, {"AWSCURRENT", kOddStage});
  EXPECT_EQ(fake->calls().back().version_id, v1);
  // The stage moves to a new version: the staged handle follows it on refresh.
  const std::string v2 = fake->put_secret_string(kOddName, "pw2", {kOddStage});
  staged.refresh();
  pinned.refresh();
  EXPECT_EQ(staged.value(), "pw2");
  expect_metadata(staged, v2, {kOddStage});
  expect_metadata(pinned, v1, {"AWSCURRENT", kOddStage});  // a version never changes
}

TEST_F(SecretTest, BatchedMembersKeepTheirOwnMetadata) {
  const std::string va = fake->put_secret_string(kOddName, "a", {"AWSCURRENT", kOddStage});
  const std::string vb = fake->put_secret_string("other=name", "b");
  SecretGroup group(sopts(10s));
  Secret a = group.secret(kOddName);
  Secret b = group.secret("other=name");
  group.refresh();
  EXPECT_EQ(batches(), 1u);
  expect_metadata(a, va, {"AWSCURRENT", kOddStage});
  EXPECT_EQ(b.record().name, "other=name");
  EXPECT_EQ(b.version_id(), vb);
  clock->advance(11s);
  group.refresh();  // version-aware: nothing changed, the snapshots stay
  expect_metadata(a, va, {"AWSCURRENT", kOddStage});
  EXPECT_EQ(b.version_id(), vb);
}

TEST_F(SecretTest, WriteThroughCarriesTheWrittenVersionsMetadata) {
  const std::string v1 = fake->put_secret_string(kOddName, "pw1", {"AWSCURRENT", kOddStage});
  Secret current(kOddName, sopts(60s));
  expect_metadata(current, v1, {"AWSCURRENT", kOddStage});
  const std::size_t reads = gets() + batches();
  const PutSecretResult r = put_secret_value(kOddName, "pw2", fake);
  EXPECT_EQ(current.value(), "pw2");
  expect_metadata(current, r.version_id, r.version_stages);
  EXPECT_EQ(gets() + batches(), reads);  // no read: the write's own answer
  // A version-aware refresh finds the written version current and keeps its metadata.
  clock->advance(61s);
  EXPECT_EQ(current.value(), "pw2");
  expect_metadata(current, r.version_id, r.version_stages);
  EXPECT_EQ(gets() + batches(), reads);
}

}  // namespace
}  // namespace ssm_cache::test
