// io.h (securecomm-audit): bounded file reads and durable file writes. Errors are one-line
// messages naming the file and the reason (strerror), for the user; no file content ever appears
// in them.
//
//   IoResult<std::string> note = ReadFile("checkpoint.txt", kMaxCheckpointFileSize);
//   if (!note) return out.Fail(kExitIo, "io", note.error());
//   IoResult<void> w = WriteFileAtomic("state", bytes);   // temp file, fsync, rename, fsync dir
//
// Thread safety: the functions are thread safe (distinct temp names per process and call).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <tl/expected.hpp>

#include "securecomm/base/bytes.h"  // AsBytes for the callers of WriteFile*
#include "securecomm/base/secret.h"

namespace sc::audit_cli {

template <typename T>
using IoResult = tl::expected<T, std::string>;

// ReadFile returns the whole of `path` ("-": standard input) if it holds at most `max_size`
// bytes; otherwise a message (missing, unreadable, a directory, too large).
IoResult<std::string> ReadFile(const std::string& path, size_t max_size);

// ReadSecretFile: ReadFile into wiped memory, for key files. Every temporary copy is wiped.
IoResult<SecretBytes> ReadSecretFile(const std::string& path, size_t max_size);

// WriteFileAtomic replaces `path` with `data` so that a reader sees the old or the new content,
// never a mix, and the new content survives a crash once this returns: a temporary file in the
// same directory, fsync, rename, fsync of the directory. Mode 0644. Nothing is left on failure.
IoResult<void> WriteFileAtomic(const std::string& path, std::span<const uint8_t> data);

// WriteNewSecretFile creates `path` (it must not exist) with mode 0600 and `data`, fsync'd.
// On failure no file is left.
IoResult<void> WriteNewSecretFile(const std::string& path, std::span<const uint8_t> data);

}  // namespace sc::audit_cli
