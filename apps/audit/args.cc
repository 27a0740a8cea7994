#include "args.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "cli_limits.h"

namespace sc::audit_cli {

const std::string& Args::Get(std::string_view flag) const {
  static const std::string kEmpty;
  auto it = values.find(std::string(flag));
  return it == values.end() ? kEmpty : it->second;
}

std::optional<std::string> ParseArgs(const std::vector<std::string>& args, const FlagSpec& spec, Args& out) {
  auto takes_value = [&](const std::string& name) {
    return std::find(spec.value_flags.begin(), spec.value_flags.end(), name) != spec.value_flags.end();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      out.json = true;
      continue;
    }
    if (a.size() > 2 && a.starts_with("--")) {
      std::string name = a.substr(2), value;
      const size_t eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (!takes_value(name)) return "unknown flag --" + name;
      if (!inline_value) {
        if (i + 1 >= args.size()) return "--" + name + " needs a value";
        value = args[++i];
      }
      if (!out.values.emplace(name, value).second) return "--" + name + " given twice";
      continue;
    }
    if (!spec.positional) return "unexpected argument '" + a + "'";
    out.positional.push_back(a);
  }
  for (const std::string& r : spec.required) {
    if (!out.Has(r)) return "missing --" + r;
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseCount(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseSeconds(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::fixed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(v) || v < 0 || v > kMaxIntervalSeconds) return std::nullopt;
  return v;
}

}  // namespace sc::audit_cli
