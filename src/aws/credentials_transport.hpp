// aws/credentials_transport.hpp — the credentials providers that make HTTP calls, built with
// the transport those calls go through. The public factories (ssm_cache/credentials.hpp) are
// these with a null transport; the AWS client passes its own (one connection pool, and its
// http_log sees the credential calls), tests pass scripted ones. A null transport means a
// libcurl one made on the provider's first call (STS: with AWS_CA_BUNDLE), as most processes
// never need one. Thread-safe providers.
#pragma once

#include <memory>

#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

std::shared_ptr<CredentialsProvider> make_web_identity_credentials_provider(
    WebIdentityCredentialsConfig config, std::shared_ptr<http::Transport> transport);

std::shared_ptr<CredentialsProvider> make_assume_role_credentials_provider(
    AssumeRoleCredentialsConfig config, std::shared_ptr<http::Transport> transport);

/// Every provider the resolver makes (web identity, AssumeRole, SSO, and the IMDS and container
/// sources of credential_source) sends through `transport`.
StsProfileResolver make_default_sts_profile_resolver(StsProfileResolverConfig config,
                                                     std::shared_ptr<http::Transport> transport);

std::shared_ptr<CredentialsProvider> make_container_credentials_provider(
    ContainerCredentialsConfig config, std::shared_ptr<http::Transport> transport);

std::shared_ptr<CredentialsProvider> make_imds_credentials_provider(
    ImdsCredentialsConfig config, std::shared_ptr<http::Transport> transport);

/// The default chain with its web identity, STS profile resolver (unless the config gives
/// one), container and IMDS providers on `transport`.
std::shared_ptr<CredentialsProvider> make_default_credentials_provider(
    DefaultCredentialsConfig config, std::shared_ptr<http::Transport> transport);

}  // namespace ssm_cache::aws
