// ssm-cache-local/actions/public_parameters.hpp — a bundled SAMPLE of AWS's public parameters under
// /aws/service/ (a few regions of global-infrastructure, a few Amazon Linux AMI ids), served
// read-only by GetParameter, GetParameters and GetParametersByPath with the shapes AWS returns
// (account-less ARN, DataType "text"). Not the full catalogue and not kept current: the values are
// recordings, for code that reads these names to run offline. See docs/local-server.md ("Public
// parameters").
//
// Pure; thread-safe; building the sample costs a few dozen small allocations.
#pragma once

#include <string>
#include <string_view>

#include "store.hpp"

namespace ssm_cache::local {

inline constexpr std::string_view kPublicParameterPrefix = "/aws/service/";

/// True for names (and paths) in AWS's public namespace.
bool is_public_parameter_name(std::string_view name);

/// The sample as a region sees it: /aws/service/global-infrastructure/current-region is
/// `region`, AMI ids are those recorded in that region (none outside the recorded ones).
StoreData public_parameters(const std::string& region);

}  // namespace ssm_cache::local
