// The data file of the local server: format round trip, short-hand sample data, corrupt files
// refused with a location, every acknowledged write on disk, and the bundled sample data.
#include <gtest/gtest.h>

#include <filesystem>

#include "core_fixture.hpp"
#include "database.hpp"
#include "persistence.hpp"
#include "server_process.hpp"

namespace {

using local_test::CoreTest;
using local_test::read_file;
using local_test::TempDir;
using local_test::write_file;
using nlohmann::json;
using ssm_cache::local::LoadDefaults;
using ssm_cache::local::LoadError;
using ssm_cache::local::parse_store;
using ssm_cache::local::Random;
using ssm_cache::local::serialize_store;

std::string load_error(const std::string& text) {
  Random random(1);
  try {
    parse_store(text, {}, random);
  } catch (const LoadError& e) {
    return e.what();
  }
  return "";
}

TEST(Persistence, ShortHandAndFullFormsLoad) {
  Random random(7);
  const auto data = parse_store(R"({
    "parameters": [
      {"Name": "/app/a", "Value": "1"},
      {"Name": "/app/s", "Type": "SecureString", "Value": "x", "Description": "d"},
      {"Name": "/app/h", "Versions": [
        {"Version": 1, "Value": "old", "Labels": ["prod"]},
        {"Version": 3, "Value": "new", "Type": "StringList"}]}
    ],
    "secrets": [
      {"Name": "s1", "SecretString": "v"},
      {"Name": "s2", "Versions": [
        {"VersionId": "a", "SecretBinary": "AAE=", "VersionStages": ["AWSPREVIOUS"]},
        {"VersionId": "b", "SecretString": "cur", "VersionStages": ["AWSCURRENT"]}]}
    ]})",
                                LoadDefaults{.region = "eu-west-1", .now = 1000}, random);
  ASSERT_EQ(data.parameters.size(), 3u);
  EXPECT_EQ(data.parameters.at("/app/a").current().type, "String");
  EXPECT_EQ(data.parameters.at("/app/a").current().last_modified, 1000);
  EXPECT_EQ(data.parameters.at("/app/s").current().key_id, "alias/aws/ssm");
  EXPECT_EQ(data.parameters.at("/app/h").current().version, 3);
  EXPECT_EQ(data.parameters.at("/app/h").find_label("prod")->value, "old");
  EXPECT_EQ(data.secrets.at("s1").find_stage("AWSCURRENT")->secret_string, "v");
  EXPECT_EQ(data.secrets.at("s1").arn.rfind(
                "arn:aws:secretsmanager:eu-west-1:000000000000:secret:s1-", 0),
            0u);
  EXPECT_EQ(data.secrets.at("s2").find_version_id("a")->secret_binary, std::string("\0\x01", 2));

  // Serialized and parsed again: identical.
  const auto again = parse_store(serialize_store(data), {}, random);
  EXPECT_EQ(again, data);
}

TEST(Persistence, CorruptFilesAreRefusedWithALocation) {
  EXPECT_NE(load_error("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(load_error("[]").find("JSON object"), std::string::npos);
  EXPECT_NE(load_error(R"({"version": 1e999})").find("not usable JSON"), std::string::npos);
  EXPECT_NE(
      load_error(R"({"parameters": [{"Value": "x"}]})").find("parameters[0]: missing \"Name\""),
      std::string::npos);
  EXPECT_NE(load_error(R"({"parameters": [{"Name": "/a", "Value": 5}]})")
                .find("\"Value\" must be a string"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"parameters": [{"Name": "/a", "Value": "x", "Tpye": "String"}]})")
                .find("unknown field \"Tpye\""),
            std::string::npos);
  EXPECT_NE(load_error(R"({"parameters": [{"Name": "/a b", "Value": "x"}]})")
                .find("invalid parameter name"),
            std::string::npos);
  EXPECT_NE(
      load_error(R"({"parameters": [{"Name": "/a", "Value": "x"}, {"Name": "/a", "Value": "y"}]})")
          .find("appears twice"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"parameters": [{"Name": "/a", "Versions": [{"Version": 2, "Value": "x"},
            {"Version": 1, "Value": "y"}]}]})")
                .find("ascending"),
            std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"secrets": [{"Name": "s", "Versions": [{"SecretString": "x", "VersionStages": ["BETA"]}]}]})")
          .find("AWSCURRENT"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"version": 2})").find("unsupported"), std::string::npos);
  EXPECT_NE(load_error(R"({"secrets": [{"Name": "s", "SecretBinary": "%%%"}]})").find("base64"),
            std::string::npos);
}

TEST(Persistence, MissingFileIsAnEmptyStore) {
  TempDir dir;
  Random random;
  const auto data = ssm_cache::local::load_store_file(dir.file("none.json"), {}, random);
  EXPECT_TRUE(data.parameters.empty());
  EXPECT_TRUE(data.secrets.empty());
}

class PersistenceCoreTest : public CoreTest {};

TEST_F(PersistenceCoreTest, EveryAcknowledgedWriteIsOnDisk) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  reset({.data_file = file});
  put("/app/a", "1");
  ASSERT_EQ(sm("CreateSecret", {{"Name", "s"}, {"SecretString", "x"}}).status, 200);
  EXPECT_EQ(ssm("PutParameter", {{"Name", "/app/a"}, {"Value", "2"}, {"Type", "String"}}).code(),
            "ParameterAlreadyExists");
  server_.reset();  // closes the database (and releases its lock)
  Random random;
  ssm_cache::local::Database db(file);
  auto regions = db.load({}, random);
  const auto& on_disk = regions["us-east-1"];
  EXPECT_EQ(on_disk.parameters.at("/app/a").current().value, "1");
  EXPECT_EQ(on_disk.parameters.at("/app/a").versions.size(), 1u);  // the refused write: nothing
  EXPECT_EQ(on_disk.secrets.at("s").find_stage("AWSCURRENT")->secret_string, "x");
}

TEST_F(PersistenceCoreTest, ReopenedDatabaseIsTheSameStore) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  reset({.data_file = file});
  put("/app/a", "1");
  put("/app/a", "2", "String", {{"Overwrite", true}});
  ASSERT_EQ(ssm("DeleteParameter", {{"Name", "/app/a"}}).status, 200);
  put("/app/b", "b");
  server_.reset();
  reset({.data_file = file});
  EXPECT_EQ(value_of("/app/a"), "<ParameterNotFound>");
  EXPECT_EQ(value_of("/app/b"), "b");
}

TEST_F(PersistenceCoreTest, JsonDataFileIsImportedOnceAndNeverWritten) {
  TempDir dir;
  const std::string file = dir.file("seed.json");
  const std::string seed =
      R"({"parameters": [{"Name": "/seed", "Type": "String", "Value": "from-json"}]})";
  local_test::write_file(file, seed);
  reset({.data_file = file});
  EXPECT_EQ(value_of("/seed"), "from-json");
  put("/seed", "changed", "String", {{"Overwrite", true}});
  server_.reset();
  reset({.data_file = file});
  EXPECT_EQ(value_of("/seed"), "changed");  // the database, not a second import
  EXPECT_EQ(read_file(file), seed);
  EXPECT_TRUE(std::filesystem::exists(file + ".sqlite"));
}

TEST_F(PersistenceCoreTest, SecondServerOnTheSameFileIsRefused) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  reset({.data_file = file});
  put("/app/a", "1");
  try {
    ssm_cache::local::LocalServer second({.data_file = file});
    FAIL() << "a second server opened the same data file";
  } catch (const ssm_cache::local::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another ssm-cache-local"), std::string::npos)
        << e.what();
  }
  put("/app/b", "2");  // the first one is unaffected
}

TEST_F(PersistenceCoreTest, AFailedDiskWriteIsA500AndChangesNothing) {
  TempDir dir;
  const std::string sub = dir.file("gone");
  std::filesystem::create_directory(sub);
  reset({.data_file = sub + "/store.json"});
  put("/app/a", "1");
  std::filesystem::remove_all(sub);  // the next write cannot reach the disk
  const auto r = ssm("PutParameter", {{"Name", "/app/a"}, {"Value", "2"}, {"Overwrite", true}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.code(), "InternalServerError");
  EXPECT_EQ(value_of("/app/a"), "1");
}

TEST(Persistence, BundledSampleDataLoads) {
  const std::string dir = std::string(SSM_CACHE_SOURCE_DIR) + "/examples/data";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    Random random;
    const auto data = ssm_cache::local::load_store_file(entry.path().string(), {}, random);
    EXPECT_FALSE(data.parameters.empty()) << entry.path();
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
