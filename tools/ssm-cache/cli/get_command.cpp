// get_command.cpp — `ssm-cache get NAME...`: GetParameters, in the order asked.
#include <ostream>

#include "answers.hpp"
#include "commands.hpp"

namespace ssm_cache::cli {

GetCommand::GetCommand(CLI::App& app)
    : sub(app.add_subcommand("get", "Print parameters (NAME, NAME:VERSION or NAME:LABEL)")) {
  sub->add_option("names", names, "Parameter names")->required();
}

std::optional<std::vector<ParameterRecord>> get_checked(AwsClient& client,
                                                        const std::vector<std::string>& names,
                                                        bool decrypt, const char* command,
                                                        const std::string& doing,
                                                        std::ostream& err) {
  auto result = client.get_parameters(names, decrypt);
  if (!result.invalid_parameters.empty()) {
    err << "ssm-cache: " << command
        << ": ParameterNotFound: " << join(result.invalid_parameters, ", ") << "\n";
    return std::nullopt;
  }
  if (auto why = answer_mismatch(names, result.parameters); !why.empty()) {
    report(err, doing, why, kExitAwsError);
    return std::nullopt;
  }
  return in_request_order(names, std::move(result.parameters));
}

int GetCommand::run(CommandContext& c) const {
  c.doing = "get " + join(names, " ");
  if (auto why = secret_reference_without_decryption(names, c.decrypt); !why.empty()) {
    return report(c.err, c.doing, why, kExitUsage);
  }
  auto client = c.factory(c.aws);
  auto records = get_checked(*client, names, c.decrypt, "get", c.doing, c.err);
  if (!records) return kExitAwsError;
  c.out << format_parameters(*records, c.format, true, &c.err);
  return kExitOk;
}

}  // namespace ssm_cache::cli
