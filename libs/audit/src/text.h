// text.h (private): the text rules shared by signed notes, checkpoints and entries.
//
// signed-note.md: notes are UTF-8 with no ASCII control character but newline; key names are
// non-empty and contain no Unicode space and no '+'. tlog-checkpoint.md: sizes are decimal with
// no leading zeros. Every function here is pure and thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sc::audit::internal {

// IsValidText returns true iff `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF) and has no code point below U+0020 other than '\n' (and not even that
// unless `allow_newline`).
bool IsValidText(std::string_view text, bool allow_newline) noexcept;

// IsValidNoteText returns true iff `text` can be the text of a signed note: non-empty, ends with
// '\n', valid per IsValidText(text, true).
bool IsValidNoteText(std::string_view text) noexcept;

// IsValidKeyName returns true iff `name` is a valid signed-note key name: 1..kMaxKeyNameSize
// bytes, valid text without newline, no Unicode White_Space code point and no '+'.
bool IsValidKeyName(std::string_view name) noexcept;

// ParseDecimal returns the value of `text` if it is the canonical ASCII decimal form of a uint64
// ("0", or a non-zero digit followed by digits, without sign or spaces, no overflow).
std::optional<uint64_t> ParseDecimal(std::string_view text) noexcept;

// FormatDecimal returns the canonical ASCII decimal form of `v`.
std::string FormatDecimal(uint64_t v);

// Base64DecodeAscii is sc::Base64Decode with every non-ASCII byte refused first: libsodium
// 1.0.18's decoder (behind Base64Decode) reads bytes >= 0x80 as '/' instead of rejecting them,
// so "AA\xC7\x9B" would decode like "AA//" (found by audit_note_fuzz). The check ORs all bytes
// together, so its time depends only on the length (signer keys pass through here).
// Returns std::nullopt on any malformed input.
std::optional<std::vector<uint8_t>> Base64DecodeAscii(std::string_view text);

}  // namespace sc::audit::internal
