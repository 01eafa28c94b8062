// answers.hpp — checks of what Parameter Store answered, shared by get and exec: that a 200
// holds exactly what was asked, in the order asked, and the one refusal the service words
// badly (a Secrets Manager reference read without decryption). Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ssm_cache/types.hpp"

namespace ssm_cache::cli {

std::string join(const std::vector<std::string>& v, const char* sep);

/// Orders records as the names were asked; a name the server answered with a different
/// spelling (an ARN) keeps the server's order at the end.
std::vector<ParameterRecord> in_request_order(const std::vector<std::string>& names,
                                              std::vector<ParameterRecord> records);

/// Why --no-decryption cannot read the first /aws/reference/secretsmanager/ name, or "".
std::string secret_reference_without_decryption(const std::vector<std::string>& names,
                                                bool decrypt);

/// Whether `record` answers the asked name (the same name and selector, or the ARN's name).
bool answers(const std::string& asked, const ParameterRecord& record);

/// The problem with a 200 answer that does not hold exactly what was asked, or "".
std::string answer_mismatch(const std::vector<std::string>& names,
                            const std::vector<ParameterRecord>& records);

}  // namespace ssm_cache::cli
