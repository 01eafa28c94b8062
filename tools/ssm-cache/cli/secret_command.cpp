// secret_command.cpp — `ssm-cache secret ID`: one Secrets Manager secret.
#include <ostream>

#include "commands.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache::cli {

SecretCommand::SecretCommand(CLI::App& app)
    : sub(app.add_subcommand("secret", "Print a Secrets Manager secret")) {
  sub->add_option("id", id, "Secret name or ARN")->required();
  auto* stage_opt = sub->add_option("--version-stage", version_stage, "e.g. AWSPREVIOUS");
  auto* vid_opt = sub->add_option("--version-id", version_id, "Version id");
  stage_opt->excludes(vid_opt);
}

int SecretCommand::run(CommandContext& c) const {
  c.doing = "secret " + id;
  // Read through the library's Secret, as `serve` does: one implementation of stages,
  // version ids and binary secrets, over the program's client (with the shared tier when
  // SSM_CACHE_SHARED_CACHE_URL is set).
  const Secret secret(
      id, {.version_stage = version_stage, .version_id = version_id, .client = c.factory(c.aws)});
  SecretValue value;
  try {
    value = secret.record();
  } catch (const InvalidParameterError&) {
    // The library's word for a missing secret or version; the command line speaks AWS's.
    throw AwsError("GetSecretValue " + id + ": ResourceNotFoundException",
                   "ResourceNotFoundException", "Secrets Manager can't find the specified secret.",
                   400, "");
  }
  c.out << format_secret(value, c.format);
  return kExitOk;
}

}  // namespace ssm_cache::cli
