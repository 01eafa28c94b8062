// help_command.cpp — `ssm-cache help [TOPIC]`.
#include <ostream>

#include "commands.hpp"
#include "help_topics.hpp"

namespace ssm_cache::cli {

namespace {

// `ssm-cache help [TOPIC]`: a subcommand's own --help, a text topic, or the list of both.
int print_help_topic(const CLI::App& app, const std::string& topic, std::ostream& out,
                     std::ostream& err) {
  if (topic.empty()) {
    out << "ssm-cache help TOPIC, where TOPIC is a subcommand:\n";
    for (const auto* sub :
         app.get_subcommands([](const CLI::App* s) { return s->get_name() != "help"; })) {
      out << "  " << sub->get_name() << "\n";
    }
    out << "or one of:\n";
    for (const auto& t : help_topics()) out << "  " << t.name << ": " << t.summary << "\n";
    return kExitOk;
  }
  if (const auto* t = find_help_topic(topic)) {
    out << t->text;
    return kExitOk;
  }
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == topic && topic != "help") {
      out << sub->help(app.get_name());
      return kExitOk;
    }
  }
  err << "ssm-cache: help: no topic '" << topic << "' (ssm-cache help lists them)\n";
  return kExitUsage;
}

}  // namespace

HelpCommand::HelpCommand(CLI::App& app)
    : sub(app.add_subcommand(
          "help",
          "Show help on a subcommand or a topic (output, exit-status, credentials, "
          "environment, filters); no TOPIC: the list")) {
  sub->add_option("topic", topic, "Subcommand or topic");
}

int HelpCommand::run(const CLI::App& app, std::ostream& out, std::ostream& err) const {
  return print_help_topic(app, topic, out, err);
}

}  // namespace ssm_cache::cli
