// ssm_cache/ssm_cache.hpp — the whole public API: cached Parameter Store parameters and
// Secrets Manager secrets, groups, filters, errors, and the AWS client.
#pragma once

#include "ssm_cache/aws.hpp"
#include "ssm_cache/by_name.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/filters.hpp"
#include "ssm_cache/group.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/options.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/shared_cache.hpp"
#include "ssm_cache/transforms.hpp"
#include "ssm_cache/types.hpp"
#include "ssm_cache/writes.hpp"
