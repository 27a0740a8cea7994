#include "output.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli.h"

namespace sc::audit_cli {

struct Output::Fields {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
};

Output::Output(bool json) : json_(json), fields_(std::make_unique<Fields>()) {}
Output::~Output() = default;

void Output::Field(std::string_view key, std::string_view value) {
  fields_->object[std::string(key)] = std::string(value);
}
void Output::Field(std::string_view key, uint64_t value) {
  fields_->object[std::string(key)] = value;
}
void Output::Field(std::string_view key, int64_t value) {
  fields_->object[std::string(key)] = value;
}
void Output::Field(std::string_view key, bool value) {
  fields_->object[std::string(key)] = value;
}

void Output::Line(std::string text) {
  lines_ += text;
  lines_ += '\n';
}

namespace {

// Print writes one JSON object on a line. Invalid UTF-8 (a file name, say) is replaced rather
// than thrown on: output must never fail.
void Print(nlohmann::ordered_json& object) {
  const std::string text = object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::fprintf(stdout, "%s\n", text.c_str());
  std::fflush(stdout);
}

}  // namespace

int Output::Ok() {
  if (json_) {
    nlohmann::ordered_json object = {{"ok", true}};
    object.update(fields_->object);
    Print(object);
  } else {
    // A short write (a closed pipe, a full disk) is seen by the exit path's check of stdout.
    if (std::fwrite(lines_.data(), 1, lines_.size(), stdout) != lines_.size()) std::clearerr(stdout);
    std::fflush(stdout);
  }
  fields_->object = nlohmann::ordered_json::object();
  lines_.clear();
  return kExitOk;
}

int Output::Fail(int exit_code, std::string_view code, std::string_view message) {
  std::fprintf(stderr, "securecomm-audit: %.*s\n", static_cast<int>(message.size()), message.data());
  if (json_) {
    nlohmann::ordered_json object = {{"ok", false},
                                     {"error", std::string(code)},
                                     {"message", std::string(message)},
                                     {"exit_code", exit_code}};
    object.update(fields_->object);
    Print(object);
  }
  fields_->object = nlohmann::ordered_json::object();
  lines_.clear();
  return exit_code;
}

}  // namespace sc::audit_cli
