// path_command.cpp — `ssm-cache path PATH`: every parameter under a hierarchy path.
#include <ostream>
#include <stdexcept>

#include "commands.hpp"
#include "exec_env.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/filters.hpp"

namespace ssm_cache::cli {

PathCommand::PathCommand(CLI::App& app)
    : sub(app.add_subcommand("path", "Print every parameter under a hierarchy path")) {
  sub->add_option("path", path, "Hierarchy path, e.g. /app/prod")->required();
  sub->add_flag("--no-recursive", no_recursive, "Only parameters directly under the path");
  sub->add_option("--filter", filters,
                  "Filter in AWS CLI shorthand, e.g. Key=Type,Values=StringList (repeatable)");
}

int PathCommand::run(CommandContext& c) const {
  c.doing = "path " + path;
  std::vector<Filter> parsed_filters;
  for (const auto& f : filters) {
    Filter filter;
    try {
      filter = parse_filter(f);
    } catch (const std::invalid_argument& e) {
      c.err << "ssm-cache: path: " << e.what() << "\n";
      return kExitUsage;
    }
    validate_filter(filter);
    parsed_filters.push_back(std::move(filter));
  }
  if (path.empty() || path.front() != '/') {
    throw InvalidPathError("path '" + path + "' must start with '/'");
  }
  auto client = c.factory(c.aws);
  auto records = client->get_parameters_by_path(path, !no_recursive, parsed_filters, c.decrypt);
  c.out << format_parameters(records, c.format, false, &c.err);
  return kExitOk;
}

}  // namespace ssm_cache::cli
