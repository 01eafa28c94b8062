#!/usr/bin/python3
"""Checks ssm-cache-local's answers through botocore (the AWS SDK for Python's core), for
the behaviours issue 13 found different from AWS. Input: a JSON file {"endpoint": URL}.
Output: a JSON object, one entry per check: "ok" or what went wrong."""
import json
import sys

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError


def client(service, endpoint, region="us-east-1"):
    session = botocore.session.get_session()
    return session.create_client(
        service, region_name=region, endpoint_url=endpoint,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}))


def error_code(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def check_root_names(ssm, sm):
    ssm.put_parameter(Name="rootname", Value="1", Type="String")
    assert ssm.get_parameter(Name="/rootname")["Parameter"]["Value"] == "1"
    names = [p["Name"] for p in ssm.get_parameters_by_path(Path="/")["Parameters"]]
    assert "rootname" in names, names


def check_label_length(ssm, sm):
    ssm.put_parameter(Name="/fid/label", Value="v", Type="String")
    code = error_code(ssm.label_parameter_version, Name="/fid/label", Labels=["a" * 101])
    assert code == "ValidationException", code


def check_policies_refused(ssm, sm):
    code = error_code(ssm.put_parameter, Name="/fid/pol", Value="v", Type="String",
                      Tier="Advanced", Policies='[{"Type":"Expiration","Version":"1.0"}]')
    assert code == "ValidationException", code


def check_replicas_refused(ssm, sm):
    code = error_code(sm.create_secret, Name="fid-replica", SecretString="x",
                      AddReplicaRegions=[{"Region": "eu-west-1"}])
    assert code == "InvalidRequestException", code


def check_first_version_current(ssm, sm):
    sm.create_secret(Name="fid-empty")
    r = sm.put_secret_value(SecretId="fid-empty", SecretString="v1", VersionStages=["BLUE"])
    assert "AWSCURRENT" in r["VersionStages"], r["VersionStages"]
    assert sm.get_secret_value(SecretId="fid-empty")["SecretString"] == "v1"


def check_forced_delete_of_missing(ssm, sm):
    r = sm.delete_secret(SecretId="fid-never", ForceDeleteWithoutRecovery=True)
    assert r["Name"] == "fid-never", r


def check_describe_omits_empty(ssm, sm):
    sm.create_secret(Name="fid-bare")
    r = sm.describe_secret(SecretId="fid-bare")
    assert "Tags" not in r and "VersionIdsToStages" not in r, r


def check_word_filters(ssm, sm):
    sm.create_secret(Name="fid/Primary-Password", Description="Main database credentials",
                     SecretString="x")
    def names(key, value):
        listed = sm.list_secrets(Filters=[{"Key": key, "Values": [value]}])["SecretList"]
        return [s["Name"] for s in listed]
    assert "fid/Primary-Password" in names("description", "DATABASE")
    assert "fid/Primary-Password" in names("all", "main cred")
    assert "fid/Primary-Password" not in names("name", "FID")


def check_filter_without_values(ssm, sm):
    # botocore validates required members client-side; the wire check is in the core tests.
    code = error_code(sm.list_secrets, Filters=[{"Key": "name"}])
    assert code == "InvalidParameterException", code


def check_describe_filter_validation(ssm, sm):
    def code(flt):
        return error_code(ssm.describe_parameters, ParameterFilters=[flt])
    assert code({"Key": "Label", "Values": ["x"]}) == "InvalidFilterKey"
    assert code({"Key": "Path", "Values": ["/aws"]}) == "ValidationException"
    assert code({"Key": "Tier", "Values": ["Premium"]}) == "InvalidFilterValue"
    assert code({"Key": "Tier", "Values": ["Standard"]}) is None


def check_regions_apart(ssm, sm):
    endpoint = sm.meta.endpoint_url
    sm2 = client("secretsmanager", endpoint, region="us-east-2")
    sm.create_secret(Name="fid-regional", SecretString="east1")
    arn = sm2.create_secret(Name="fid-regional", SecretString="east2")["ARN"]
    assert ":us-east-2:" in arn, arn
    assert sm.get_secret_value(SecretId="fid-regional")["SecretString"] == "east1"


def check_public_parameters(ssm, sm):
    # The bundled sample of /aws/service/ (docs/local-server.md): shapes as AWS answers them,
    # account-less ARNs, values per region, read-only.
    infra = "/aws/service/global-infrastructure"
    p = ssm.get_parameter(Name=infra + "/regions/us-east-1/longName")["Parameter"]
    assert p["Value"] == "US East (N. Virginia)", p
    assert p["ARN"] == "arn:aws:ssm:us-east-1::parameter" + infra + "/regions/us-east-1/longName", p
    assert p["Type"] == "String" and p["DataType"] == "text" and p["Version"] == 1, p
    assert ssm.get_parameter(Name=infra + "/current-region")["Parameter"]["Value"] == "us-east-1"
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path=infra + "/regions", PaginationConfig={"PageSize": 2})
    regions = [q["Value"] for page in pages for q in page["Parameters"]]
    assert "us-east-1" in regions and "eu-west-1" in regions, regions
    assert all("/" not in r for r in regions), regions  # one level: the region names only
    ami = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    west = client("ssm", ssm.meta.endpoint_url, region="us-west-2")
    east_id = ssm.get_parameter(Name=ami)["Parameter"]["Value"]
    west_p = west.get_parameter(Name=ami)["Parameter"]
    assert east_id.startswith("ami-") and west_p["Value"].startswith("ami-"), (east_id, west_p)
    assert east_id != west_p["Value"], east_id
    assert west_p["ARN"].startswith("arn:aws:ssm:us-west-2::parameter/aws/service/"), west_p
    assert west.get_parameter(Name=infra + "/current-region")["Parameter"]["Value"] == "us-west-2"
    got = ssm.get_parameters(Names=[ami, "/aws/service/none"])
    assert [q["Name"] for q in got["Parameters"]] == [ami], got
    assert got["InvalidParameters"] == ["/aws/service/none"], got
    version = ssm.get_parameter(Name=ami)["Parameter"]["Version"]
    assert ssm.get_parameter(Name=f"{ami}:{version}")["Parameter"]["Value"] == east_id
    code = error_code(ssm.put_parameter, Name=ami, Value="ami-0", Type="String", Overwrite=True)
    assert code == "ValidationException", code


def check_new_actions(ssm, sm):
    ssm.put_parameter(Name="/fid/new", Value="v", Type="String")
    ssm.label_parameter_version(Name="/fid/new", Labels=["live"])
    r = ssm.unlabel_parameter_version(Name="/fid/new", ParameterVersion=1, Labels=["live"])
    assert r["RemovedLabels"] == ["live"], r
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/fid/new",
                             Tags=[{"Key": "env", "Value": "dev"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/fid/new")["TagList"]
    assert tags == [{"Key": "env", "Value": "dev"}], tags
    sm.create_secret(Name="fid-new", SecretString="v1")
    assert "VersionId" in sm.update_secret(SecretId="fid-new", SecretString="v2")
    versions = sm.list_secret_version_ids(SecretId="fid-new")["Versions"]
    assert len(versions) == 2, versions
    assert len(sm.get_random_password(PasswordLength=20)["RandomPassword"]) == 20
    sm.tag_resource(SecretId="fid-new", Tags=[{"Key": "k", "Value": "v"}])
    sm.untag_resource(SecretId="fid-new", TagKeys=["k"])
    assert "Tags" not in sm.describe_secret(SecretId="fid-new")


def check_resource_policy(ssm, sm):
    sm.create_secret(Name="fid-policy", SecretString="v")
    policy = '{"Version":"2012-10-17","Statement":[]}'
    sm.put_resource_policy(SecretId="fid-policy", ResourcePolicy=policy)
    assert sm.get_resource_policy(SecretId="fid-policy")["ResourcePolicy"] == policy
    sm.delete_resource_policy(SecretId="fid-policy")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="fid-policy")


CHECKS = [check_public_parameters, check_resource_policy, check_new_actions, check_regions_apart, check_describe_filter_validation, check_root_names, check_label_length, check_policies_refused, check_replicas_refused,
          check_first_version_current, check_forced_delete_of_missing, check_describe_omits_empty,
          check_word_filters, check_filter_without_values]


def main():
    with open(sys.argv[1]) as f:
        endpoint = json.load(f)["endpoint"]
    ssm = client("ssm", endpoint)
    sm = client("secretsmanager", endpoint)
    results = {}
    for check in CHECKS:
        try:
            check(ssm, sm)
            results[check.__name__] = "ok"
        except Exception as e:  # every failure is reported, none stops the others
            results[check.__name__] = f"{type(e).__name__}: {e}"
    print(json.dumps(results))


if __name__ == "__main__":
    main()
