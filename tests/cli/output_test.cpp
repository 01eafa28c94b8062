// Tests of the CLI's pure output helpers: env names, shell quoting (checked by a real shell),
// ISO 8601, base64, and text/json/env rendering.
#include <cstdio>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "output.hpp"

namespace ssm_cache::cli {
namespace {

ParameterRecord rec(std::string name, std::string value, std::string type = "String") {
  ParameterRecord r;
  r.name = std::move(name);
  r.value = std::move(value);
  r.type = std::move(type);
  r.version = 2;
  r.arn = "arn:aws:ssm:us-east-1:1:parameter" + r.name;
  r.data_type = "text";
  r.last_modified = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  return r;
}

TEST(EnvName, LastSegmentUpperCasedOthersUnderscore) {
  EXPECT_EQ(env_name("/app/prod/db-url"), "DB_URL");
  EXPECT_EQ(env_name("/app/prod/Api.Key"), "API_KEY");
  EXPECT_EQ(env_name("plain"), "PLAIN");
  EXPECT_EQ(env_name("/a/b/c_d9"), "C_D9");
  EXPECT_EQ(env_name("/a/9lives"), "_9LIVES");  // a shell name cannot start with a digit
  EXPECT_EQ(env_name("/a/db:3"), "DB");  // selector dropped
  EXPECT_EQ(env_name("/a/x\xc3\xa9"), "X__");  // non-ASCII bytes
}

std::string shell_roundtrip(const std::string& value) {
  // eval the export line in a real POSIX shell and print the variable back.
  std::string script = env_line("V", value) + "printf '%s' \"$V\"";
  std::string cmd = "/bin/sh -c " + shell_quote(script);
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

TEST(ShellQuote, SurvivesEvalWhateverTheBytes) {
  EXPECT_EQ(shell_quote("abc"), "'abc'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  for (std::string v : {std::string("simple"), std::string("it's a 'quote'"),
                        std::string("$(touch /tmp/ssm_cache_pwned) `id` ${HOME} \\ \" ;|&<>"),
                        std::string("multi\nline\n"), std::string(""), std::string("a=b,c=d")}) {
    EXPECT_EQ(shell_roundtrip(v), v) << v;
  }
  FILE* pwned = std::fopen("/tmp/ssm_cache_pwned", "r");
  EXPECT_EQ(pwned, nullptr) << "a quoted value was executed by the shell";
  if (pwned != nullptr) std::fclose(pwned);
}

TEST(FormatParameters, TextSingleIsValueAlone) {
  EXPECT_EQ(format_parameters({rec("/a/b", "v1")}, OutputFormat::kText, true), "v1\n");
  EXPECT_EQ(format_parameters({rec("/a/b", "v1"), rec("/a/c", "v2")}, OutputFormat::kText, true),
            "/a/b\tv1\n/a/c\tv2\n");
  EXPECT_EQ(format_parameters({rec("/a/b", "v1")}, OutputFormat::kText, false), "/a/b\tv1\n");
}

TEST(FormatParameters, JsonHasAwsFieldNames) {
  auto r = rec("/a/b", "v1", "SecureString");
  r.selector = ":2";
  auto j = nlohmann::json::parse(format_parameters({r}, OutputFormat::kJson, true));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["Name"], "/a/b");
  EXPECT_EQ(j[0]["Value"], "v1");
  EXPECT_EQ(j[0]["Type"], "SecureString");
  EXPECT_EQ(j[0]["Version"], 2);
  EXPECT_EQ(j[0]["Selector"], ":2");
  EXPECT_EQ(j[0]["LastModifiedDate"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(j[0]["ARN"], "arn:aws:ssm:us-east-1:1:parameter/a/b");
  EXPECT_EQ(j[0]["DataType"], "text");
}

TEST(FormatParameters, EnvExportLinesAndCollisions) {
  EXPECT_EQ(format_parameters({rec("/a/db-url", "x'y"), rec("/a/port", "5432")}, OutputFormat::kEnv,
                              true),
            "export DB_URL='x'\\''y'\nexport PORT='5432'\n");
  try {
    format_parameters({rec("/a/db/url", "1"), rec("/a/cache/url", "2")}, OutputFormat::kEnv, true);
    FAIL() << "expected a collision";
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("/a/db/url"), std::string::npos) << m;
    EXPECT_NE(m.find("/a/cache/url"), std::string::npos) << m;
    EXPECT_NE(m.find("URL"), std::string::npos) << m;
    EXPECT_EQ(m.find("'1'"), std::string::npos) << "no value in messages: " << m;
  }
}

// `eval "$(ssm-cache path /app -o env)"` must not let a parameter named /app/path or
// /app/ld_preload change how the shell finds programs: exec's deny list applies.
TEST(FormatParameters, EnvSkipsDeniedNamesAndSaysSo) {
  std::ostringstream warnings;
  EXPECT_EQ(format_parameters({rec("/app/path", "/tmp/evil"), rec("/app/ld_preload", "x.so"),
                               rec("/app/port", "5432")},
                              OutputFormat::kEnv, false, &warnings),
            "export PORT='5432'\n");
  const auto w = warnings.str();
  EXPECT_NE(w.find("'/app/path' would set PATH"), std::string::npos) << w;
  EXPECT_NE(w.find("'/app/ld_preload' would set LD_PRELOAD"), std::string::npos) << w;
  EXPECT_EQ(w.find("/tmp/evil"), std::string::npos) << "no value in warnings: " << w;
  // Without a warnings stream the name is still skipped.
  EXPECT_EQ(format_parameters({rec("/app/home", "/")}, OutputFormat::kEnv, false), "");
}

TEST(FormatSecret, EnvRefusesADeniedName) {
  SecretValue s;
  s.name = "prod/PATH";
  s.secret_string = "/tmp/evil";
  try {
    format_secret(s, OutputFormat::kEnv);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid_argument);  // exit 2, like a bad flag
    const std::string m = e.what();
    EXPECT_NE(m.find("secret 'prod/PATH' would set PATH"), std::string::npos) << m;
    EXPECT_EQ(m.find("/tmp/evil"), std::string::npos) << m;
  }
}

TEST(FormatSecret, TextJsonEnv) {
  SecretValue s;
  s.name = "prod/db-password";
  s.arn = "arn:x";
  s.version_id = "v1";
  s.version_stages = {"AWSCURRENT"};
  s.secret_string = "p@ss'w";
  EXPECT_EQ(format_secret(s, OutputFormat::kText), "p@ss'w\n");
  EXPECT_EQ(format_secret(s, OutputFormat::kEnv), "export DB_PASSWORD='p@ss'\\''w'\n");
  auto j = nlohmann::json::parse(format_secret(s, OutputFormat::kJson));
  EXPECT_EQ(j["SecretString"], "p@ss'w");
  EXPECT_EQ(j["VersionStages"][0], "AWSCURRENT");
  EXPECT_FALSE(j.contains("SecretBinary"));
  s.secret_string.reset();
  s.secret_binary = std::string("\x01\x02", 2);
  EXPECT_EQ(nlohmann::json::parse(format_secret(s, OutputFormat::kJson))["SecretBinary"], "AQI=");
}

TEST(ParseOutputFormat, RejectsUnknown) {
  EXPECT_EQ(parse_output_format("env"), OutputFormat::kEnv);
  EXPECT_THROW(parse_output_format("yaml"), std::invalid_argument);
}

}  // namespace
}  // namespace ssm_cache::cli
