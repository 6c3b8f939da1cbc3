// Mono WAV files for the amp example: 16-bit PCM in and out, as sox writes them (host code: it uses
// the heap and stdio; nothing here is part of the library).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace wav {

/// The samples of a mono 16-bit PCM file as floats in [-1, 1), and its sample rate; empty on error.
inline std::vector<float> read(const char* path, std::uint32_t& rate) {
  std::vector<float> samples;
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return samples;
  char id[4];
  std::uint32_t size = 0;
  char riff[12];
  if (std::fread(riff, 1, 12, f) != 12 || std::memcmp(riff, "RIFF", 4) != 0 ||
      std::memcmp(riff + 8, "WAVE", 4) != 0) {
    std::fclose(f);
    return samples;
  }
  std::uint16_t format = 0, channels = 0, bits = 0;
  while (std::fread(id, 1, 4, f) == 4 && std::fread(&size, 4, 1, f) == 1) {
    if (std::memcmp(id, "fmt ", 4) == 0) {
      std::uint8_t fmt[16];
      if (size < 16 || std::fread(fmt, 1, 16, f) != 16) break;
      std::memcpy(&format, fmt, 2);
      std::memcpy(&channels, fmt + 2, 2);
      std::memcpy(&rate, fmt + 4, 4);
      std::memcpy(&bits, fmt + 14, 2);
      std::fseek(f, long(size) - 16, SEEK_CUR);
    } else if (std::memcmp(id, "data", 4) == 0) {
      if (format != 1 || channels != 1 || bits != 16) break;
      std::vector<std::int16_t> pcm(size / 2);
      if (std::fread(pcm.data(), 2, pcm.size(), f) != pcm.size()) break;
      samples.resize(pcm.size());
      for (std::size_t i = 0; i < pcm.size(); ++i) samples[i] = float(pcm[i]) / 32768.0f;
      break;
    } else {
      std::fseek(f, long(size + (size & 1)), SEEK_CUR);
    }
  }
  std::fclose(f);
  return samples;
}

/// Writes samples (clipped to [-1, 1]) as a mono 16-bit PCM file; false on error.
inline bool write(const char* path, const std::vector<float>& samples, std::uint32_t rate) {
  std::FILE* f = std::fopen(path, "wb");
  if (f == nullptr) return false;
  const std::uint32_t data = std::uint32_t(samples.size() * 2), riff = 36 + data;
  const std::uint32_t byte_rate = rate * 2, fmt_size = 16;
  const std::uint16_t pcm = 1, mono = 1, block = 2, bits = 16;
  bool ok = std::fwrite("RIFF", 1, 4, f) == 4 && std::fwrite(&riff, 4, 1, f) == 1 &&
            std::fwrite("WAVEfmt ", 1, 8, f) == 8 && std::fwrite(&fmt_size, 4, 1, f) == 1 &&
            std::fwrite(&pcm, 2, 1, f) == 1 && std::fwrite(&mono, 2, 1, f) == 1 &&
            std::fwrite(&rate, 4, 1, f) == 1 && std::fwrite(&byte_rate, 4, 1, f) == 1 &&
            std::fwrite(&block, 2, 1, f) == 1 && std::fwrite(&bits, 2, 1, f) == 1 &&
            std::fwrite("data", 1, 4, f) == 4 && std::fwrite(&data, 4, 1, f) == 1;
  for (float s : samples) {
    const float c = s > 1.0f ? 1.0f : s < -1.0f ? -1.0f : s;
    const auto v = std::int16_t(c * 32767.0f);
    ok = ok && std::fwrite(&v, 2, 1, f) == 1;
  }
  return std::fclose(f) == 0 && ok;
}

}  // namespace wav
