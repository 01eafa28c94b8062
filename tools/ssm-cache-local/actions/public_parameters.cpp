// ssm-cache-local/actions/public_parameters.cpp — see public_parameters.hpp.
//
// Sources of the recorded values (cited here, never fetched at run time):
// - AMI ids, versions and dates: GetParametersByPath answers for
//   /aws/service/ami-amazon-linux-latest recorded in us-east-1 and us-west-2, as kept in
//   getmoto/moto (moto/ssm/resources/ami-amazon-linux-latest/{us-east-1,us-west-2}.json).
// - /aws/service/list/global-infrastructure and .../global-infrastructure/current-region (with
//   their dates) and the response shape: the AWS Systems Manager User Guide, "Finding public
//   parameters" (parameter-store-finding-public-parameters), whose example answers show
//   account-less ARNs ("arn:aws:ssm:us-east-1::parameter/...") and DataType "text".
// - Region names, geolocation, endpoints: the global-infrastructure hierarchy as AWS
//   publishes it (getmoto/moto moto/ssm/resources/regions.json keeps a recording). Dates for
//   these were not recorded: they carry the date of current-region.
#include "public_parameters.hpp"

#include <array>

namespace ssm_cache::local {

namespace {

constexpr double kGlobalInfrastructureDate = 1561119334.252;  // 2019-06-21T12:15:34.252Z
constexpr double kListDate = 1611944711.901;  // 2021-01-29T18:25:11.901Z

struct RegionSample {
  const char* code;
  const char* long_name;
  const char* country;
  const char* geo_region;
};

constexpr std::array<RegionSample, 4> kRegions{{
    {"eu-west-1", "Europe (Ireland)", "IE", "IE-D"},
    {"us-east-1", "US East (N. Virginia)", "US", "US-VA"},
    {"us-east-2", "US East (Ohio)", "US", "US-OH"},
    {"us-west-2", "US West (Oregon)", "US", "US-OR"},
}};

struct AmiSample {
  const char* region;
  const char* name;  // under /aws/service/ami-amazon-linux-latest/
  const char* image_id;
  std::int64_t version;
  double last_modified;
};

constexpr std::array<AmiSample, 8> kAmis{{
    {"us-east-1", "al2023-ami-kernel-default-arm64", "ami-0720c0a2e1e125edd", 115, 1765311204.326},
    {"us-east-1", "al2023-ami-kernel-default-x86_64", "ami-068c0051b15cdb816", 143, 1765311204.557},
    {"us-east-1", "al2023-ami-kernel-6.1-x86_64", "ami-068c0051b15cdb816", 143, 1765311202.62},
    {"us-east-1", "amzn2-ami-hvm-x86_64-gp2", "ami-03f9680ef0c07a3d1", 173, 1765232652.761},
    {"us-west-2", "al2023-ami-kernel-default-arm64", "ami-0659940a146188c5b", 184, 1788202931.104},
    {"us-west-2", "al2023-ami-kernel-default-x86_64", "ami-0bea529386a62a2ad", 184, 1788202931.393},
    {"us-west-2", "al2023-ami-kernel-6.1-x86_64", "ami-08a26983500a08011", 184, 1788202930.374},
    {"us-west-2", "amzn2-ami-hvm-x86_64-gp2", "ami-0d1bc08881a62440e", 206, 1788212649.113},
}};

// The services each sampled region lists (Parameter Store and Secrets Manager: the two this
// server speaks), with their long names.
constexpr std::array<std::array<const char*, 3>, 2> kServices{{
    {"secretsmanager", "AWS Secrets Manager", "secretsmanager"},
    {"ssm", "AWS Systems Manager", "ssm"},
}};

void add(StoreData& out, std::string name, std::string value, double date,
         std::int64_t version = 1) {
  ParameterVersion v;
  v.version = version;
  v.value = std::move(value);
  v.last_modified = date;
  v.last_modified_user = "";  // AWS does not name who publishes public parameters
  Parameter p;
  p.name = name;
  p.versions.push_back(std::move(v));
  out.parameters.emplace(std::move(name), std::move(p));
}

void add_global_infrastructure(StoreData& out, const std::string& current_region) {
  const std::string root = "/aws/service/global-infrastructure";
  const double d = kGlobalInfrastructureDate;
  add(out, "/aws/service/list/global-infrastructure", root + "/", kListDate);
  add(out, root + "/current-region", current_region, d);
  for (const auto& [code, long_name, endpoint_prefix] : kServices) {
    add(out, root + "/services/" + code, code, d);
    add(out, root + "/services/" + code + "/longName", long_name, d);
  }
  for (const RegionSample& r : kRegions) {
    const std::string region = root + "/regions/" + r.code;
    add(out, region, r.code, d);
    add(out, region + "/longName", r.long_name, d);
    add(out, region + "/partition", "aws", d);
    add(out, region + "/domain", "amazonaws.com", d);
    add(out, region + "/geolocationCountry", r.country, d);
    add(out, region + "/geolocationRegion", r.geo_region, d);
    for (const auto& [code, long_name, endpoint_prefix] : kServices) {
      const std::string service = region + "/services/" + code;
      add(out, service, code, d);
      add(out, service + "/endpoint",
          std::string(endpoint_prefix) + "." + r.code + ".amazonaws.com", d);
      add(out, service + "/protocols", "HTTPS", d);
    }
  }
}

}  // namespace

bool is_public_parameter_name(std::string_view name) {
  return name.starts_with(kPublicParameterPrefix) ||
         name == kPublicParameterPrefix.substr(0, kPublicParameterPrefix.size() - 1);
}

StoreData public_parameters(const std::string& region) {
  StoreData out;
  add_global_infrastructure(out, region);
  for (const AmiSample& a : kAmis) {
    if (region != a.region) continue;
    add(out, std::string("/aws/service/ami-amazon-linux-latest/") + a.name, a.image_id,
        a.last_modified, a.version);
  }
  return out;
}

}  // namespace ssm_cache::local
