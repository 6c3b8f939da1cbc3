/// @file io/file.hpp
/// Weight files on a host with a file system, over C stdio: `save_file(net, path)` streams the
/// file through a 1 KiB buffer; `load_file(net, path, buffer)` reads it into a buffer the caller
/// owns (at least the file's size), then `load` checks it. No heap, no exceptions. On firmware,
/// use save/load on byte spans (io/safetensors.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "ctnn/io/safetensors.hpp"

namespace ctnn {

/// Why save_file or load_file failed as a file (a file's contents are judged by LoadStatus).
enum class FileStatus : std::uint8_t {
  ok,
  cannot_open,       ///< fopen failed (errno says why)
  read_error,        ///< reading or writing failed part way
  buffer_too_small,  ///< the file is larger than the buffer given to load_file (`size`)
};

/// The name of a FileStatus, for messages.
constexpr const char* to_string(FileStatus s) {
  switch (s) {
    case FileStatus::ok:
      return "ok";
    case FileStatus::cannot_open:
      return "cannot open the file";
    case FileStatus::read_error:
      return "reading or writing the file failed";
    case FileStatus::buffer_too_small:
      return "the file is larger than the buffer";
  }
  return "unknown";
}

/// What load_file did: the file part, then (when the file was read) load's result.
struct FileLoadResult {
  /// Whether the file could be read at all.
  FileStatus file = FileStatus::ok;
  std::size_t size = 0;  ///< bytes read, or the file's size when the buffer is too small
  /// What load made of its contents.
  LoadResult load;
  /// True when the file was read and loaded.
  constexpr bool ok() const { return file == FileStatus::ok && load.ok(); }
};

/// Writes net's safetensors file to path (replacing it).
template <class Net>
requires is_network_v<Net>
[[nodiscard]] FileStatus save_file(const Net& net, const char* path) {
  std::FILE* f = std::fopen(path, "wb");
  if (f == nullptr) return FileStatus::cannot_open;
  bool written = true;
  detail::write_file(net, [&](const std::byte* bytes, std::size_t count) {
    written = written && std::fwrite(bytes, 1, count, f) == count;
  });
  written = std::fclose(f) == 0 && written;
  return written ? FileStatus::ok : FileStatus::read_error;
}

/// Reads path into buffer and loads it into net (see load: on any rejection, net is untouched).
template <class Net>
requires is_network_v<Net>
[[nodiscard]] FileLoadResult load_file(Net& net, const char* path, std::span<std::byte> buffer,
                                       LoadOptions options = {}) {
  FileLoadResult r;
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    r.file = FileStatus::cannot_open;
    return r;
  }
  r.size = std::fread(buffer.data(), 1, buffer.size(), f);
  const bool failed = std::ferror(f) != 0;
  bool larger = false;
  if (!failed && r.size == buffer.size()) {  // more than fits?
    long rest = 0;
    while (std::fgetc(f) != EOF) ++rest;
    larger = rest > 0;
    r.size += static_cast<std::size_t>(rest);
  }
  std::fclose(f);
  if (failed) {
    r.file = FileStatus::read_error;
  } else if (larger) {
    r.file = FileStatus::buffer_too_small;
  } else {
    r.load = load(net, buffer.first(r.size), options);
  }
  return r;
}

}  // namespace ctnn
