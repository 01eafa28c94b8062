// aws/sts_resolver.hpp — the STS profile resolver a profile provider uses when given none.
// Thread-safe; building it costs nothing, resolving a profile builds a provider (no I/O).
#pragma once

#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

/// Serves web identity profiles like make_default_sts_profile_resolver; AssumeRole profiles
/// (role_arn + source_profile / credential_source) and SSO ones get a provider that fails
/// saying they need an sts_resolver (make_default_sts_profile_resolver, as the default chain
/// passes). A profile provider on its own thus never signs STS calls with other profiles' keys
/// unless asked to.
StsProfileResolver make_web_identity_profile_resolver(EnvironmentLookup environment);

}  // namespace ssm_cache::aws
