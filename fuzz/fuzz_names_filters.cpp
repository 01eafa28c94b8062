// fuzz/fuzz_names_filters.cpp — libFuzzer target for the cache's input parsing (src/cache):
// parameter names and selectors, hierarchy paths, filters and StringList splitting.
// Input: fields separated by NUL bytes; the first byte picks the check.
// Contracts checked: bad input throws an ssm_cache::Error (never another exception or a
// crash); a StringList's values() joined with commas gives back value(); a name that parses
// parses again to the same result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/validation.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace {

std::vector<std::string> fields(std::string_view in) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto nul = in.find('\0', start);
    out.emplace_back(in.substr(start, nul - start));
    if (nul == std::string_view::npos) return out;
    start = nul + 1;
  }
}

// Answers every GetParameters name with one StringList record holding the fuzzed value.
class StringListClient : public ssm_cache::ParameterClient {
 public:
  explicit StringListClient(std::string value) : value_(std::move(value)) {}
  ssm_cache::GetParametersResult get_parameters(const std::vector<std::string>& names,
                                                bool) override {
    ssm_cache::GetParametersResult r;
    for (const auto& n : names) {
      ssm_cache::ParameterRecord rec;
      rec.name = n;
      rec.type = "StringList";
      rec.value = value_;
      rec.version = 1;
      r.parameters.push_back(rec);
    }
    return r;
  }
  std::vector<ssm_cache::ParameterRecord> get_parameters_by_path(
      const std::string&, bool, const std::vector<ssm_cache::Filter>&, bool) override {
    return {};
  }

 private:
  std::string value_;
};

void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant is a finding
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const auto f = fields(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  namespace detail = ssm_cache::detail;
  try {
    switch (selector % 5) {
      case 0: {
        const auto parsed = detail::parse_name(f[0]);
        const auto again = detail::parse_name(parsed.full_name);
        check(again.name == parsed.name && again.selector == parsed.selector &&
              again.full_name == parsed.full_name);
        check(parsed.selector.empty() == (parsed.full_name == parsed.name));
        break;
      }
      case 1: {
        detail::validate_path(f[0]);
        const auto joined = detail::join_path(f[0], f.size() > 1 ? f[1] : std::string("/x"));
        (void)detail::quote_input(joined);
        break;
      }
      case 2: {
        // Filter{key, option, values...} as a user could build it by hand.
        ssm_cache::Filter filter;
        filter.key = f[0];
        if (f.size() > 1) filter.option = f[1];
        for (std::size_t i = 2; i < f.size(); ++i) filter.values.push_back(f[i]);
        ssm_cache::validate_filter(filter);
        break;
      }
      case 3: {
        // The validating builders, value by value.
        ssm_cache::SSMFilterType type;
        ssm_cache::SSMFilterKeyId key_id;
        ssm_cache::SSMFilterLabel label;
        for (const auto& v : f) {
          switch (v.size() % 3) {
            case 0: type.value(v); break;
            case 1: key_id.value(v); break;
            default: label.value(v); break;
          }
        }
        key_id.option(f[0]);
        break;
      }
      default: {
        // StringList: values() split on commas; joined again they are value().
        ssm_cache::SSMParameter param("/fuzz/list",
                                      {.client = std::make_shared<StringListClient>(f[0])});
        const std::string value = param.value();
        check(value == f[0]);
        std::string joined;
        const auto items = param.values();
        for (std::size_t i = 0; i < items.size(); ++i) joined += (i ? "," : "") + items[i];
        check(joined == value);
        break;
      }
    }
  } catch (const ssm_cache::Error&) {
    // The documented outcome for bad input.
  }
  return 0;
}
