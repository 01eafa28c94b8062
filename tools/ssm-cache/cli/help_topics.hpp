// help_topics.hpp — the text of `ssm-cache help TOPIC` beyond the subcommands' own --help.
// The same text ends up in the man page (packaging/man/make-man-pages.sh feeds every topic to
// help2man), so the two never disagree.
#pragma once

#include <string_view>
#include <vector>

namespace ssm_cache::cli {

struct HelpTopic {
  std::string_view name;  // what `ssm-cache help NAME` takes
  std::string_view summary;  // one line, for the list
  std::string_view text;  // plain text, lines under 100 columns, ends with a newline
};

/// Every topic, in the order `ssm-cache help` lists them.
const std::vector<HelpTopic>& help_topics();

/// The topic called name, or nullptr.
const HelpTopic* find_help_topic(std::string_view name);

}  // namespace ssm_cache::cli
