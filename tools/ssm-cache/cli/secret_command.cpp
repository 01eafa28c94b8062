// secret_command.cpp — `ssm-cache secret ID`: one Secrets Manager secret.
#include <ostream>

#include "commands.hpp"

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
  auto client = c.factory(c.aws);
  auto value = client->get_secret_value(id, version_id, version_stage);
  c.out << format_secret(value, c.format);
  return kExitOk;
}

}  // namespace ssm_cache::cli
