// output.h (securecomm-audit): what a command prints. Human text by default; with --json one
// JSON object per result on stdout ({"ok": true, ...} or {"ok": false, "error": CODE,
// "message": TEXT}). Errors always go to stderr in human form too, prefixed "securecomm-audit:".
//
//   Output out(args.json);
//   out.Field("size", log.size());
//   out.Line("appended 3 entries");
//   return out.Ok();                          // prints, returns kExitOk
//   return out.Fail(kExitVerifyFailed, "split_view", "two checkpoints of size 7 ...");
//
// Nothing secret is ever given to an Output. Thread safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sc::audit_cli {

class Output {
 public:
  explicit Output(bool json);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  bool json() const noexcept { return json_; }

  // Field adds a member to the JSON result (ignored in human mode).
  void Field(std::string_view key, std::string_view value);
  void Field(std::string_view key, const char* value) { Field(key, std::string_view(value)); }
  void Field(std::string_view key, uint64_t value);
  void Field(std::string_view key, int64_t value);
  void Field(std::string_view key, bool value);
  // Line adds a line of human output (ignored in JSON mode).
  void Line(std::string text);

  // Ok prints the result (stdout) and returns kExitOk; the Output is then empty for reuse.
  int Ok();
  // Fail prints an error (stderr; and stdout in JSON mode, with the fields added so far) and
  // returns `exit_code`; the Output is then empty for reuse.
  int Fail(int exit_code, std::string_view code, std::string_view message);

 private:
  struct Fields;
  bool json_;
  std::unique_ptr<Fields> fields_;
  std::string lines_;
};

}  // namespace sc::audit_cli
