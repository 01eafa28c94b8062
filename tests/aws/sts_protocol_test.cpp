// tests/aws/sts_protocol_test.cpp — the pure parts of the STS providers: the strict XML reader
// (well-formed and malformed documents), the form body, the STS endpoint, the answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/sts_protocol.hpp"
#include "aws/temp_dir.hpp"
#include "aws/xml_extract.hpp"
#include "common/env.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ----- XML ---------------------------------------------------------------------------------

TEST(XmlExtract, TextByPathWithNamespacesDeclarationAndComments) {
  const std::string doc =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
      "<a:Root xmlns:a=\"urn:x\" b='1'>\n  <a:Child>one</a:Child>\n  <Child>two</Child>\n"
      "  <Empty/><Other attr=\"&amp;&#65;\" >x<?pi data?>y<!-- z --></Other>\n</a:Root>\n<!-- end "
      "-->\n";
  EXPECT_EQ(xml_text(doc, {"Root", "Child"}), "one");  // the first of two
  EXPECT_EQ(xml_text(doc, {"Root", "Empty"}), "");
  EXPECT_EQ(xml_text(doc, {"Root", "Other"}), "xy");
  EXPECT_EQ(xml_text(doc, {"Root", "Missing"}), std::nullopt);
  EXPECT_EQ(xml_text(doc, {"Other"}), std::nullopt);  // paths start at the root
  const XmlElement root = parse_xml(doc);
  EXPECT_EQ(root.children.size(), 4u);
}

TEST(XmlExtract, EntitiesNumericReferencesAndCdata) {
  EXPECT_EQ(xml_text("<a>&amp;&lt;&gt;&quot;&apos;</a>", {"a"}), "&<>\"'");
  EXPECT_THROW(xml_text("<a>&#X43;</a>", {"a"}), XmlError);  // only a lower-case x means hex
}

TEST(XmlExtract, NumericReferencesBecomeUtf8) {
  EXPECT_EQ(xml_text("<a>&#65;&#x42;&#233;&#x6F22;&#x1F511;</a>", {"a"}),
            "AB\xC3\xA9\xE6\xBC\xA2\xF0\x9F\x94\x91");
  EXPECT_EQ(xml_text("<a><![CDATA[<not> &amp; a tag]]>!</a>", {"a"}), "<not> &amp; a tag!");
  EXPECT_EQ(decode_xml_entities("x &lt;= y &#x26; z"), "x <= y & z");
}

TEST(XmlExtract, MalformedDocumentsAreRefused) {
  const std::vector<std::string> bad = {
      "",
      "   ",
      "text only",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a>x</a><b/>",
      "<a>x</a>trailing",
      "<a>&unknown;</a>",
      "<a>&amp</a>",
      "<a>& amp;</a>",
      "<a>&#;</a>",
      "<a>&#x;</a>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&#x110000;</a>",
      "<a>&#99999999999;</a>",
      "<a>&#12a;</a>",
      "<a>\x01</a>",
      "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
      "<a><!DOCTYPE b></a>",
      "<a attr></a>",
      "<a attr=x></a>",
      "<a attr=\"x></a>",
      "<a attr=\"<\"></a>",
      "<a b=\"1\"c=\"2\"></a>",
      "<a><!-- open</a>",
      "<a><![CDATA[open</a>",
      "<a><?pi open</a>",
      "<?xml version=\"1.0\"",
      "<1a></1a>",
      "<a/ >",
      "<a></a",
      "< a></a>",
      "<a>",
  };
  for (const auto& doc : bad) {
    SCOPED_TRACE(doc);
    EXPECT_THROW(parse_xml(doc), XmlError);
  }
}

TEST(XmlExtract, DeepNestingIsBoundedNotAStackOverflow) {
  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "<a>";
  for (int i = 0; i < 64; ++i) ok += "</a>";
  EXPECT_NO_THROW(parse_xml(ok));
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  try {
    parse_xml(deep);
    ADD_FAILURE() << "accepted";
  } catch (const XmlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("deeper than 64"));
  }
}

TEST(XmlExtract, ErrorsNameAnOffsetNotTheText) {
  try {
    parse_xml("<a><Secret>hunter2-secret&bogus;</Secret></a>");
    ADD_FAILURE();
  } catch (const XmlError& e) {
    EXPECT_THAT(e.what(), HasSubstr("byte 25"));
    EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
  }
}

// ----- form body ---------------------------------------------------------------------------

TEST(StsForm, EncodesLikePythonQuotePlus) {
  EXPECT_EQ(form_urlencode({{"Action", "AssumeRole"},
                            {"RoleArn", "arn:aws:iam::1:role/a b"},
                            {"X", "A-z_0.9~+/=&%\xC3\xA9"}}),
            "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa+b&X=A-z_0.9~%2B%2F%3D%26%"
            "25%C3%A9");
  EXPECT_EQ(form_urlencode({}), "");
}

// ----- endpoint ----------------------------------------------------------------------------

StsEndpoint endpoint_for(std::map<std::string, std::string> env_values, Profile profile = {},
                         std::string_view endpoint = {}, std::string_view region = {}) {
  testing_aws::TempDir home;  // no shared files unless the test writes them
  env_values.emplace("HOME", home.path());
  return resolve_sts_endpoint(common::map_environment(std::move(env_values)), profile, endpoint,
                              region);
}

TEST(StsEndpointTest, RegionalByDefaultGlobalWithoutRegion) {
  auto e = endpoint_for({{"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(e.url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(e.signing_region, "eu-west-1");
  e = endpoint_for({{"AWS_DEFAULT_REGION", "cn-north-1"}});
  EXPECT_EQ(e.url, "https://sts.cn-north-1.amazonaws.com.cn");
  e = endpoint_for({});
  EXPECT_EQ(e.url, "https://sts.amazonaws.com");
  EXPECT_EQ(e.signing_region, "us-east-1");
  e = endpoint_for({{"AWS_REGION", "aws-global"}});
  EXPECT_EQ(e.url, "https://sts.amazonaws.com");
  // Code beats the environment, which beats the profile.
  Profile p{"dev", {{"region", "ap-south-1"}}, ""};
  EXPECT_EQ(endpoint_for({}, p).url, "https://sts.ap-south-1.amazonaws.com");
  EXPECT_EQ(endpoint_for({{"AWS_REGION", "us-west-2"}}, p).url,
            "https://sts.us-west-2.amazonaws.com");
  EXPECT_EQ(endpoint_for({{"AWS_REGION", "us-west-2"}}, p, {}, "eu-north-1").url,
            "https://sts.eu-north-1.amazonaws.com");
}

TEST(StsEndpointTest, LegacyModeUsesTheGlobalEndpointForLegacyRegionsOnly) {
  auto e = endpoint_for({{"AWS_REGION", "eu-west-1"}, {"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}});
  EXPECT_EQ(e.url, "https://sts.amazonaws.com");
  EXPECT_EQ(e.signing_region, "us-east-1");
  e = endpoint_for({{"AWS_REGION", "eu-south-1"}, {"AWS_STS_REGIONAL_ENDPOINTS", "LEGACY"}});
  EXPECT_EQ(e.url, "https://sts.eu-south-1.amazonaws.com");
  Profile p{"dev", {{"sts_regional_endpoints", "legacy"}}, ""};
  EXPECT_EQ(endpoint_for({{"AWS_REGION", "us-east-2"}}, p).url, "https://sts.amazonaws.com");
  EXPECT_EQ(
      endpoint_for({{"AWS_REGION", "us-east-2"}, {"AWS_STS_REGIONAL_ENDPOINTS", "regional"}}, p)
          .url,
      "https://sts.us-east-2.amazonaws.com");
  try {
    endpoint_for({{"AWS_REGION", "us-east-2"}, {"AWS_STS_REGIONAL_ENDPOINTS", "sometimes"}});
    ADD_FAILURE();
  } catch (const ConfigurationError& e2) {
    EXPECT_THAT(e2.what(), HasSubstr("AWS_STS_REGIONAL_ENDPOINTS"));
  }
}

TEST(StsEndpointTest, FipsAndDualStack) {
  EXPECT_EQ(endpoint_for({{"AWS_REGION", "us-east-1"}, {"AWS_USE_FIPS_ENDPOINT", "true"}}).url,
            "https://sts-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(endpoint_for({{"AWS_REGION", "us-east-1"}, {"AWS_USE_DUALSTACK_ENDPOINT", "true"}}).url,
            "https://sts.us-east-1.api.aws");
}

TEST(StsEndpointTest, ConfiguredEndpointsInOrder) {
  Profile p{"dev", {{"endpoint_url", "http://profile.example:1/"}, {"region", "eu-west-3"}}, ""};
  auto e = endpoint_for(
      {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/"}, {"AWS_ENDPOINT_URL", "http://all:2"}}, p);
  EXPECT_EQ(e.url, "http://127.0.0.1:9");
  EXPECT_EQ(e.source, "AWS_ENDPOINT_URL_STS");
  EXPECT_EQ(e.signing_region, "eu-west-3");
  EXPECT_EQ(endpoint_for({{"AWS_ENDPOINT_URL", "http://all:2"}}, p).url, "http://all:2");
  EXPECT_EQ(endpoint_for({}, p).url, "http://profile.example:1");
  EXPECT_EQ(endpoint_for({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"}}, p, "http://code:3").url,
            "http://code:3");
  EXPECT_EQ(endpoint_for({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"},
                          {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
                         p)
                .url,
            "https://sts.eu-west-3.amazonaws.com");
  EXPECT_THROW(endpoint_for({{"AWS_ENDPOINT_URL_STS", "ftp://x"}}), ConfigurationError);
  EXPECT_THROW(endpoint_for({{"AWS_REGION", "EU west"}}), ConfigurationError);
}

TEST(StsEndpointTest, ServicesSectionOfTheConfigFile) {
  testing_aws::TempDir home;
  const std::string config = home.write("config",
                                        "[profile dev]\nservices = mine\n[services mine]\nsts =\n  "
                                        "endpoint_url = http://svc.example:7\n");
  const auto env = common::map_environment({{"HOME", home.path()}, {"AWS_CONFIG_FILE", config}});
  const Profile p = load_profile(env, "dev");
  EXPECT_EQ(resolve_sts_endpoint(env, p, {}, {}).url, "http://svc.example:7");
}

// ----- answers -----------------------------------------------------------------------------

const char* const kSuccess =
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleWithWebIdentityResult>\n"
    "    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>\n"
    "    <Credentials>\n"
    "      <SessionToken>tok&amp;en</SessionToken>\n"
    "      <SecretAccessKey>se/cr+et</SecretAccessKey>\n"
    "      <Expiration>2030-01-02T03:04:05Z</Expiration>\n"
    "      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n"
    "    </Credentials>\n"
    "  </AssumeRoleWithWebIdentityResult>\n"
    "  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\n"
    "</AssumeRoleWithWebIdentityResponse>\n";

TEST(StsAnswers, Credentials) {
  const Credentials c =
      parse_sts_credentials(kSuccess, "AssumeRoleWithWebIdentity", "web-identity", "w");
  EXPECT_EQ(c.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(c.secret_access_key, "se/cr+et");
  EXPECT_EQ(c.session_token, "tok&en");
  EXPECT_EQ(c.provider, "web-identity");
  ASSERT_TRUE(c.expiration);
  EXPECT_EQ(c.expiration->time_since_epoch(), std::chrono::seconds{1893553445});
}

TEST(StsAnswers, IncompleteOrMalformedCredentialsNeverQuoteTheBody) {
  std::string no_token = kSuccess;
  no_token.replace(no_token.find("<SessionToken>"),
                   std::string("<SessionToken>tok&amp;en</SessionToken>").size(), "");
  std::string bad_time = kSuccess;
  bad_time.replace(bad_time.find("2030-01-02T03:04:05Z"), 20, "tomorrow");
  std::string wrong_action = kSuccess;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {no_token, "Credentials/SessionToken"},
      {bad_time, "not an ISO 8601 time"},
      {std::string(kSuccess).substr(0, 300), "not valid XML"},
      {"<AssumeRoleResponse/>", "no AssumeRoleWithWebIdentityResponse/"},
  };
  for (const auto& [body, expected] : cases) {
    try {
      parse_sts_credentials(body, "AssumeRoleWithWebIdentity", "web-identity", "where");
      ADD_FAILURE() << expected;
    } catch (const CredentialsError& e) {
      EXPECT_THAT(e.what(), HasSubstr(expected));
      EXPECT_THAT(e.what(), HasSubstr("where: the AssumeRoleWithWebIdentity answer"));
      EXPECT_THAT(e.what(), Not(HasSubstr("se/cr+et")));
      EXPECT_THAT(e.what(), Not(HasSubstr("tok&")));
    }
  }
}

TEST(StsAnswers, ErrorDocument) {
  const auto e = parse_sts_error(
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
      "  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
      "    <Message>Not authorized to perform sts:AssumeRoleWithWebIdentity &amp; more</Message>\n"
      "  </Error>\n  <RequestId>0f6c-req</RequestId>\n</ErrorResponse>\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "Sender");
  EXPECT_EQ(e->code, "AccessDenied");
  EXPECT_EQ(e->message, "Not authorized to perform sts:AssumeRoleWithWebIdentity & more");
  EXPECT_EQ(e->request_id, "0f6c-req");
  EXPECT_FALSE(parse_sts_error("<html>Bad gateway</html>"));
  EXPECT_FALSE(parse_sts_error("Service Unavailable"));
  EXPECT_FALSE(parse_sts_error("<ErrorResponse><Error><Code></Code></Error></ErrorResponse>"));
  EXPECT_FALSE(parse_sts_error("<ErrorResponse><Error><Code>X</Code></Error>"));
}

TEST(StsAnswers, RetryableCodes) {
  EXPECT_TRUE(is_retryable_sts_code("IDPCommunicationError", true));
  EXPECT_TRUE(is_retryable_sts_code("InvalidIdentityToken", true));
  EXPECT_FALSE(is_retryable_sts_code("InvalidIdentityToken", false));
  EXPECT_TRUE(is_retryable_sts_code("Throttling", false));
  for (const char* code :
       {"AccessDenied", "ExpiredTokenException", "ValidationError", "RegionDisabledException"}) {
    EXPECT_FALSE(is_retryable_sts_code(code, true)) << code;
  }
}

TEST(StsAnswers, ScrubMessage) {
  EXPECT_EQ(scrub_message("bad token eyJabc.def in\nrequest eyJabc.def", {"eyJabc.def"}),
            "bad token <redacted> in request <redacted>");
  EXPECT_EQ(scrub_message(std::string(500, 'x'), {}, 10), "xxxxxxxxxx...");
}

}  // namespace
}  // namespace ssm_cache::aws
