// get_command.cpp — `ssm-cache get NAME...`: GetParameters, in the order asked.
#include <ostream>

#include "answers.hpp"
#include "commands.hpp"

namespace ssm_cache::cli {

GetCommand::GetCommand(CLI::App& app)
    : sub(app.add_subcommand("get", "Print parameters (NAME, NAME:VERSION or NAME:LABEL)")) {
  sub->add_option("names", names, "Parameter names")->required();
}

int GetCommand::run(CommandContext& c) const {
  c.doing = "get " + join(names, " ");
  if (auto why = secret_reference_without_decryption(names, c.decrypt); !why.empty()) {
    return report(c.err, c.doing, why, kExitUsage);
  }
  auto client = c.factory(c.aws);
  auto result = client->get_parameters(names, c.decrypt);
  if (!result.invalid_parameters.empty()) {
    c.err << "ssm-cache: get: ParameterNotFound: " << join(result.invalid_parameters, ", ")
          << "\n";
    return kExitAwsError;
  }
  if (auto why = answer_mismatch(names, result.parameters); !why.empty()) {
    return report(c.err, c.doing, why, kExitAwsError);
  }
  c.out << format_parameters(in_request_order(names, std::move(result.parameters)), c.format,
                             true);
  return kExitOk;
}

}  // namespace ssm_cache::cli
