/// @file io/safetensors.hpp
/// Weights in and out as safetensors (what PyTorch writes with one call): an 8-byte little-endian
/// header length N, N bytes of JSON naming each tensor's dtype, shape and byte range, then the
/// data. Everything about a network's file is known from its type: `ctnn::manifest<Net>` (each
/// tensor's name, file shape), `ctnn::architecture<Net>` ("Input<2> Dense<16> Tanh Dense<1>"),
/// `ctnn::saved_size<Net>`.
///
/// Names and layouts are PyTorch's for an nn.Sequential built in the same order: the tensors of
/// layer I are "I-1.weight", "I-1.bias"; Dense weights are stored (Out, In) as nn.Linear's, Conv1D
/// weights (Filters, Channels, Kernel) as nn.Conv1d's. `save` and `load` take byte spans (flash,
/// mmap, a buffer): no heap, no exceptions. `load` validates the whole file before it writes one
/// value: on any rejection the network is untouched and the result says what and where.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>

#include "ctnn/detail/json.hpp"
#include "ctnn/finite.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/network.hpp"

namespace ctnn {

/// Element types of a safetensors file that ctnn reads (F16 and BF16 are converted on load).
enum class DType : std::uint8_t { f16, bf16, f32, f64 };

/// The dtype's name as a safetensors header spells it ("F32", ...).
constexpr std::string_view dtype_name(DType d) {
  switch (d) {
    case DType::f16:
      return "F16";
    case DType::bf16:
      return "BF16";
    case DType::f32:
      return "F32";
    case DType::f64:
      return "F64";
  }
  return "?";
}
/// Bytes per element of a dtype.
constexpr std::size_t dtype_bytes(DType d) {
  return d == DType::f64 ? 8 : d == DType::f32 ? 4 : 2;
}

/// Name of the optional tensor of test inputs of a file, `[samples, input...]`.
inline constexpr std::string_view test_input_name = "ctnn.test_input";
/// Name of the optional tensor of the outputs expected for the test inputs, `[samples, output...]`.
inline constexpr std::string_view test_output_name = "ctnn.test_output";

/// One tensor of a network's file.
struct ManifestEntry {
  /// The tensor's name in the file, stored in place.
  std::array<char, 48> name_storage{};
  /// Length of the name.
  std::size_t name_size = 0;
  /// The tensor's shape in the file and where each element goes in the matrix.
  TensorLayout layout;
  /// The tensor's name in the file ("0.weight").
  constexpr std::string_view name() const { return {name_storage.data(), name_size}; }
};

namespace detail {

/// Counts (out == nullptr) or writes text, in constant expressions too.
struct text_writer {
  char* out = nullptr;
  std::size_t size = 0;
  constexpr void put(char c) {
    if (out != nullptr) out[size] = c;
    ++size;
  }
  constexpr void put(std::string_view s) {
    for (const char c : s) put(c);
  }
  /// s as the inside of a JSON string: quote, backslash and control characters escaped.
  constexpr void put_json_string(std::string_view s) {
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        put('\\');
        put(c);
      } else if (u < 0x20) {
        put("\\u00");
        put("0123456789abcdef"[u >> 4]);
        put("0123456789abcdef"[u & 15]);
      } else {
        put(c);
      }
    }
  }
  constexpr void put_number(std::uint64_t v) {
    char digits[20] = {};
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
  }
};

template <class L>
constexpr std::size_t tensors_in_layer() {
  return parameters_of<L>::type::names.size();
}

template <class L, std::size_t J>
constexpr TensorLayout file_layout_of();

/// The layout of tensor J of a combinator's branch (counted over its layers from layer I on).
template <class Branch, std::size_t J, std::size_t I = 1>
constexpr TensorLayout branch_file_layout() {
  using L = typename Branch::template layer_type<I>;
  if constexpr (J < tensors_in_layer<L>())
    return file_layout_of<L, J>();
  else
    return branch_file_layout<Branch, J - tensors_in_layer<L>(), I + 1>();
}

template <class L, std::size_t J>
constexpr TensorLayout file_layout_of() {
  if constexpr (requires { typename L::branch_type; }) {
    return branch_file_layout<typename L::branch_type, J>();
  } else if constexpr (requires { L::template file_layout<J>(); }) {
    return L::template file_layout<J>();
  } else {
    using M = std::remove_cvref_t<std::tuple_element_t<
        J, decltype(std::declval<const typename L::parameters_type&>().tensors())>>;
    if constexpr (M::rows == 1)
      return {1, {M::cols, 0, 0}, {1, 0, 0}};
    else
      return {2, {M::rows, M::cols, 0}, {M::cols, 1, 0}};
  }
}

/// Number of parameter tensors in layers 1..I-1.
template <class Net, std::size_t I>
constexpr std::size_t tensors_before() {
  if constexpr (I <= 1)
    return 0;
  else
    return tensors_before<Net, I - 1>() +
           tensors_in_layer<typename Net::template layer_type<I - 1>>();
}

template <class Net>
inline constexpr std::size_t tensor_count = tensors_before<Net, Net::depth + 1>();

// The walks over (layer, tensor) are plain function templates: nested generic lambdas over
// index packs crash GCC 12 here.
template <class Net, std::size_t I, std::size_t... J>
constexpr void describe_layer([[maybe_unused]] ManifestEntry* m, std::index_sequence<J...>) {
  using L = typename Net::template layer_type<I>;
  constexpr std::size_t first = tensors_before<Net, I>();
  (
      [&] {
        ManifestEntry& e = m[first + J];
        text_writer w{e.name_storage.data()};
        w.put_number(I - 1);  // PyTorch's nn.Sequential index of ctnn's layer I
        w.put('.');
        w.put(L::parameters_type::names[J]);
        e.name_size = w.size;
        e.layout = file_layout_of<L, J>();
      }(),
      ...);
}
template <class Net, std::size_t... I>
constexpr void describe_layers(ManifestEntry* m, std::index_sequence<I...>) {
  (describe_layer<Net, I + 1>(
       m, std::make_index_sequence<tensors_in_layer<typename Net::template layer_type<I + 1>>()>{}),
   ...);
}
template <class Net>
constexpr auto build_manifest() {
  std::array<ManifestEntry, tensor_count<Net>> m{};
  describe_layers<Net>(m.data(), std::make_index_sequence<Net::depth>{});
  return m;
}

template <class L>
constexpr void write_layer_name(text_writer& w) {
  w.put(L::kind);
  if constexpr (requires { typename L::branch_type; }) {  // a combinator: Residual(LSTM<8> ...)
    using Branch = typename L::branch_type;
    w.put('(');
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((w.put(I == 0 ? "" : " "), write_layer_name<typename Branch::template layer_type<I + 1>>(w)),
       ...);
    }
    (std::make_index_sequence<Branch::depth>{});
    w.put(')');
  } else if constexpr (requires { L::architecture_arguments; }) {
    w.put('<');
    for (std::size_t k = 0; k < L::architecture_arguments.size(); ++k) {
      if (k != 0) w.put(", ");
      w.put_number(L::architecture_arguments[k]);
    }
    w.put('>');
  }
}

template <class Net>
constexpr void write_architecture(text_writer& w) {
  using In = typename Net::template shape_type<0>;
  w.put("Input<");
  if constexpr (is_sequence_v<In>) {
    w.put_number(In::time);
    w.put(", ");
    w.put_number(In::channels);
  } else {
    w.put_number(In::size);
  }
  w.put('>');
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((w.put(' '), write_layer_name<typename Net::template layer_type<I + 1>>(w)), ...);
  }
  (std::make_index_sequence<Net::depth>{});
}

template <class Net>
constexpr std::size_t architecture_length() {
  text_writer w;
  write_architecture<Net>(w);
  return w.size;
}
template <class Net>
inline constexpr auto architecture_text = [] {
  std::array<char, architecture_length<Net>()> a{};
  text_writer w{a.data()};
  write_architecture<Net>(w);
  return a;
}();

/// True when a file's architecture string names Net's layers on sequences of another length
/// ("Input<2048, 1> LSTM<16> Linear<1>" for Net's "Input<64, 1> LSTM<16> Linear<1>"): every
/// parameter's shape is then the same, unless a layer's depends on the length (Flatten then Dense),
/// which the tensors' shapes catch.
template <class Net>
constexpr bool same_layers_other_length(std::string_view file) {
  using In = typename Net::template shape_type<0>;
  if constexpr (!is_sequence_v<In>) {
    return false;
  } else {
    const std::string_view ours{architecture_text<Net>.data(), architecture_text<Net>.size()};
    const std::string_view prefix = "Input<";
    if (file.substr(0, prefix.size()) != prefix) return false;
    std::size_t at = prefix.size(), digits = 0;
    while (at < file.size() && file[at] >= '0' && file[at] <= '9') ++at, ++digits;
    if (digits == 0 || file[prefix.size()] == '0') return false;
    const std::size_t our_rest = ours.find(',');  // ", C> layers..." in both
    return file.substr(at) == ours.substr(our_rest);
  }
}

template <class Net>
inline constexpr DType file_dtype_of =
    std::is_same_v<typename Net::value_type, double> ? DType::f64 : DType::f32;

/// The dims of a test-vector tensor for samples of Shape: [samples, size] or [samples, time,
/// channels].
template <class Shape>
constexpr std::size_t test_rank = is_sequence_v<Shape> ? 3 : 2;
template <class Shape>
constexpr std::array<std::uint64_t, 3> test_dims(std::uint64_t samples) {
  if constexpr (is_sequence_v<Shape>)
    return {samples, Shape::time, Shape::channels};
  else
    return {samples, Shape::size, 0};
}
/// One tensor's header entry: ,"name":{"dtype":..,"shape":[dims],"data_offsets":[b,e]}; advances
/// offset past its bytes.
template <class Dims>
constexpr void write_entry(text_writer& w, std::string_view name, DType dtype, const Dims& dims,
                           std::size_t rank, std::uint64_t& offset) {
  w.put(",\"");
  w.put_json_string(name);
  w.put("\":{\"dtype\":\"");
  w.put(dtype_name(dtype));
  w.put("\",\"shape\":[");
  std::uint64_t elements = 1;
  for (std::size_t a = 0; a < rank; ++a) {
    if (a != 0) w.put(',');
    w.put_number(dims[a]);
    elements *= dims[a];
  }
  w.put("],\"data_offsets\":[");
  w.put_number(offset);
  w.put(',');
  offset += elements * dtype_bytes(dtype);
  w.put_number(offset);
  w.put("]}");
}

/// The header's JSON (without padding): metadata first, then the tensors in manifest order (named
/// by `names`, or the manifest's names when it is empty), then the test vectors when Samples > 0.
template <class Net, std::size_t Samples>
constexpr void write_header(text_writer& w, const std::array<ManifestEntry, tensor_count<Net>>& m,
                            std::span<const std::string_view> names = {}) {
  w.put("{\"__metadata__\":{\"ctnn.architecture\":\"");
  write_architecture<Net>(w);
  w.put("\",\"format\":\"pt\"}");
  std::uint64_t offset = 0;
  for (std::size_t e = 0; e < m.size(); ++e)
    write_entry(w, names.empty() ? m[e].name() : names[e], file_dtype_of<Net>, m[e].layout.dims,
                m[e].layout.rank, offset);
  if constexpr (Samples > 0) {
    using In = typename Net::template shape_type<0>;
    using Out = typename Net::template shape_type<Net::depth>;
    write_entry(w, "ctnn.test_input", file_dtype_of<Net>, test_dims<In>(Samples), test_rank<In>,
                offset);
    write_entry(w, "ctnn.test_output", file_dtype_of<Net>, test_dims<Out>(Samples), test_rank<Out>,
                offset);
  }
  w.put('}');
}

template <class Net, std::size_t Samples>
constexpr std::size_t padded_header_length(const std::array<ManifestEntry, tensor_count<Net>>& m) {
  text_writer w;
  write_header<Net, Samples>(w, m);
  return (w.size + 7) / 8 * 8;  // the data starts 8-byte aligned, as PyTorch's writer pads
}

}  // namespace detail

/// Every parameter tensor of Net's weight file, in file order: name and file layout.
template <class Net>
inline constexpr auto manifest = detail::build_manifest<Net>();

/// Net spelled canonically from its type, e.g. "Input<2> Dense<16> Tanh Dense<1>".
template <class Net>
inline constexpr std::string_view architecture{detail::architecture_text<Net>.data(),
                                               detail::architecture_text<Net>.size()};

/// FNV-1a (64 bits) of architecture<Net>.
template <class Net>
inline constexpr std::uint64_t architecture_hash = [] {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : architecture<Net>) h = (h ^ std::uint8_t(c)) * 0x100000001b3ULL;
  return h;
}();

namespace detail {
template <class Net, std::size_t Samples>
inline constexpr std::size_t header_length = padded_header_length<Net, Samples>(manifest<Net>);
template <class Net, std::size_t Samples>
inline constexpr auto header_text = [] {
  std::array<char, header_length<Net, Samples>> a{};
  text_writer w{a.data()};
  write_header<Net, Samples>(w, manifest<Net>);
  while (w.size < a.size()) w.put(' ');
  return a;
}();
template <class Net, std::size_t Samples>
inline constexpr std::size_t data_bytes = (Net::parameter_count +
                                           Samples * (Net::input_size + Net::output_size)) *
                                          dtype_bytes(file_dtype_of<Net>);
}  // namespace detail

/// Bytes of Net's safetensors file as save writes it, with Samples test vectors.
template <class Net, std::size_t Samples = 0>
inline constexpr std::size_t saved_size =
    8 + detail::header_length<Net, Samples> + detail::data_bytes<Net, Samples>;

namespace detail {

template <class T>
void store_little_endian(std::byte* out, T value) {
  using U = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  const U bits = std::bit_cast<U>(value);
  if constexpr (std::endian::native == std::endian::little)
    std::memcpy(out, &bits, sizeof bits);  // one store
  else
    for (std::size_t k = 0; k < sizeof(T); ++k) out[k] = std::byte((bits >> (8 * k)) & 0xFF);
}

inline std::uint64_t load_little_endian(const std::byte* in, std::size_t bytes) {
  std::uint64_t v = 0;
  if constexpr (std::endian::native == std::endian::little)
    std::memcpy(&v, in, bytes);  // the low bytes of v, in order
  else
    for (std::size_t k = 0; k < bytes; ++k) v |= std::uint64_t(in[k]) << (8 * k);
  return v;
}

/// IEEE half to float, exactly (every half is a float).
inline float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  std::uint32_t exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
  if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    exponent = 127 - 15 + 1;  // subnormal half: normalize
    while ((mantissa & 0x400) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3FF;
    return std::bit_cast<float>(sign | (exponent << 23) | (mantissa << 13));
  }
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

/// Element i of a tensor of dtype d, converted to T (the network's element type): a float
/// network reading F32, F16 or BF16 never touches double (no soft-double code on an FPU-less or
/// single-precision microcontroller).
template <class T>
T decode(const std::byte* data, DType d, std::size_t i) {
  switch (d) {
    case DType::f64:
      return static_cast<T>(std::bit_cast<double>(load_little_endian(data + 8 * i, 8)));
    case DType::f32:
      return static_cast<T>(
          std::bit_cast<float>(std::uint32_t(load_little_endian(data + 4 * i, 4))));
    case DType::bf16:
      return static_cast<T>(
          std::bit_cast<float>(std::uint32_t(load_little_endian(data + 2 * i, 2)) << 16));
    case DType::f16:
      return static_cast<T>(half_to_float(std::uint16_t(load_little_endian(data + 2 * i, 2))));
  }
  return T{};
}

/// Calls f(manifest index, matrix) for every parameter tensor of net, in manifest order.
/// (the order of for_each_parameter, which the manifest follows).
template <class Net, class F>
constexpr void for_each_manifest_tensor(Net& net, F&& f) {
  std::size_t index = 0;
  for_each_parameter(net, [&](std::size_t, std::string_view, std::string_view, auto& matrix) {
    f(index++, matrix);
  });
}

}  // namespace detail

namespace detail {
/// Hands the values of net's file to sink(bytes, count) in order, in pieces of at most 1 KiB:
/// the parameters, then with test vectors the inputs and net's outputs for them.
template <class Net, std::size_t Samples, class Sink>
void write_data(const Net& net, Sink&& sink,
                const Matrix<typename Net::value_type, Samples, Net::input_size>* test_input) {
  using T = typename Net::value_type;
  std::byte piece[1024];
  std::size_t used = 0;
  const auto put = [&](T value) {
    if (used + sizeof(T) > sizeof piece) {
      sink(piece, used);
      used = 0;
    }
    store_little_endian(piece + used, value);
    used += sizeof(T);
  };
  for_each_manifest_tensor(net, [&](std::size_t t, const auto& matrix) {
    const TensorLayout& layout = manifest<Net>[t].layout;
    for (std::size_t i = 0; i < layout.size(); ++i) put(matrix[layout.matrix_index(i)]);
  });
  if constexpr (Samples > 0) {
    for (std::size_t i = 0; i < Samples * Net::input_size; ++i) put((*test_input)[i]);
    for (std::size_t s = 0; s < Samples; ++s) {  // one sample at a time: bounded stack
      Matrix<T, 1, Net::input_size> x;
      for (std::size_t i = 0; i < Net::input_size; ++i) x[i] = (*test_input)(s, i);
      const auto y = net.forward(x);
      for (std::size_t j = 0; j < Net::output_size; ++j) put(y[j]);
    }
  }
  sink(piece, used);
}

/// Hands net's file to sink(bytes, count) in order, in pieces of at most 1 KiB.
template <class Net, std::size_t Samples = 0, class Sink>
void write_file(
    const Net& net, Sink&& sink,
    const Matrix<typename Net::value_type, Samples, Net::input_size>* test_input = nullptr) {
  constexpr std::size_t n = header_length<Net, Samples>;
  std::byte piece[1024];
  store_little_endian(piece, std::uint64_t{n});
  sink(piece, 8);
  for (std::size_t at = 0; at < n; at += sizeof piece) {
    for (std::size_t i = at; i < n && i < at + sizeof piece; ++i)
      piece[i - at] = std::byte(header_text<Net, Samples>[i]);
    sink(piece, n - at < sizeof piece ? n - at : sizeof piece);
  }
  detail::write_data<Net, Samples>(net, sink,
                                   test_input);  // qualified: no ADL into Matrix<T, 0, N>
}

/// True when names gives each of Net's tensors a name of its own: as many as the manifest, none
/// empty or longer than 255 bytes, none twice, none a name the format reserves.
template <class Net>
constexpr bool valid_names(std::span<const std::string_view> names) {
  if (names.size() != tensor_count<Net>) return false;
  for (std::size_t e = 0; e < names.size(); ++e) {
    const std::string_view n = names[e];
    if (n.empty() || n.size() > 255 || n == "__metadata__" || n == test_input_name ||
        n == test_output_name)
      return false;
    for (std::size_t k = 0; k < e; ++k)
      if (names[k] == n) return false;
  }
  return true;
}

template <class Net, std::size_t Samples>
constexpr std::size_t named_header_length(std::span<const std::string_view> names) {
  text_writer w;
  write_header<Net, Samples>(w, manifest<Net>, names);
  return (w.size + 7) / 8 * 8;
}

template <class Net, std::size_t Samples>
bool save_named(const Net& net, std::span<std::byte> out, std::span<const std::string_view> names,
                const Matrix<typename Net::value_type, Samples, Net::input_size>* test_input) {
  if (!valid_names<Net>(names)) return false;
  const std::size_t n = named_header_length<Net, Samples>(names);
  if (out.size() < 8 + n + data_bytes<Net, Samples>) return false;
  store_little_endian(out.data(), std::uint64_t{n});
  text_writer w{reinterpret_cast<char*>(out.data() + 8)};
  write_header<Net, Samples>(w, manifest<Net>, names);
  while (w.size < n) w.put(' ');
  std::byte* to = out.data() + 8 + n;
  detail::write_data<Net, Samples>(
      net,
      [&](const std::byte* bytes, std::size_t count) {
        std::memcpy(to, bytes, count);
        to += count;
      },
      test_input);
  return true;
}
}  // namespace detail

/// Writes net's safetensors file (saved_size<Net> bytes) to the start of out. Returns false, and
/// writes nothing, when out is smaller.
template <class Net>
requires is_network_v<Net>
[[nodiscard]] bool save(const Net& net, std::span<std::byte> out) {
  if (out.size() < saved_size<Net>) return false;
  std::byte* to = out.data();
  detail::write_file(net, [&](const std::byte* bytes, std::size_t count) {
    std::memcpy(to, bytes, count);
    to += count;
  });
  return true;
}

/// save, adding test vectors: the Samples inputs given (one per row) as ctnn.test_input and net's
/// outputs for them as ctnn.test_output, so that whoever loads the file (ctnn's load, or
/// examples/pytorch_safetensors.py) can check that the weights reproduce them.
/// saved_size<Net, Samples> bytes.
template <class Net, std::size_t Samples>
requires is_network_v<Net>
[[nodiscard]] bool save(
    const Net& net, std::span<std::byte> out,
    const Matrix<typename Net::value_type, Samples, Net::input_size>& test_input) {
  if (out.size() < saved_size<Net, Samples>) return false;
  std::byte* to = out.data();
  detail::write_file<Net, Samples>(
      net,
      [&](const std::byte* bytes, std::size_t count) {
        std::memcpy(to, bytes, count);
        to += count;
      },
      &test_input);
  return true;
}

/// Bytes of the file save(net, out, names) writes (with Samples test vectors), or 0 when names
/// is not one valid name per tensor (see save).
template <class Net, std::size_t Samples = 0>
requires is_network_v<Net>
constexpr std::size_t saved_size_named(std::span<const std::string_view> names) {
  if (!detail::valid_names<Net>(names)) return 0;
  return 8 + detail::named_header_length<Net, Samples>(names) + detail::data_bytes<Net, Samples>;
}

/// save, naming the tensors as the model that will read the file does (a PyTorch module's
/// state_dict keys, {"fc1.weight", "fc1.bias", ...}, in manifest order: LoadOptions::names is the
/// same mapping on load). Returns false, and writes nothing, when out is smaller than
/// saved_size_named<Net>(names), or names does not give each tensor a name of its own (as many as
/// the manifest, none empty, longer than 255 bytes, repeated, "__metadata__" or a test vector's).
template <class Net>
requires is_network_v<Net>
[[nodiscard]] bool save(const Net& net, std::span<std::byte> out,
                        std::span<const std::string_view> names) {
  return detail::save_named<Net, 0>(net, out, names, nullptr);
}

/// save with names and test vectors (saved_size_named<Net, Samples>(names) bytes).
template <class Net, std::size_t Samples>
requires is_network_v<Net>
[[nodiscard]] bool save(
    const Net& net, std::span<std::byte> out,
    const Matrix<typename Net::value_type, Samples, Net::input_size>& test_input,
    std::span<const std::string_view> names) {
  return detail::save_named<Net, Samples>(net, out, names, &test_input);
}

/// Why load accepted or rejected a file.
enum class LoadStatus : std::uint8_t {
  ok,
  truncated,                  ///< shorter than 8 bytes, or than 8 + its header length
  header_too_large,           ///< a header length above 100,000,000 bytes (the reference's cap)
  bad_json,                   ///< not strict JSON (UTF-8 strings), or not an object of objects
                              ///< (`offset`: where, `json_problem`: why, `key`: what was read)
  integer_overflow,           ///< a shape or data offset of 2^53 or more (`tensor`, `key`)
  bad_tensor_entry,           ///< an entry without exactly dtype, shape and data_offsets
  duplicate_key,              ///< a name given twice (`tensor`)
  unsupported_dtype,          ///< a tensor the network reads is not F16, BF16, F32 or F64
                              ///< (`tensor`, its dtype in `key`), or a dtype safetensors lacks
  missing_tensor,             ///< a tensor of the network is not in the file (`tensor`; the
                              ///< names on both sides in network_unmatched, file_unmatched)
  unknown_tensor,             ///< a tensor the network does not have (`tensor`; see LoadOptions)
  names_count_differs,        ///< LoadOptions::names has names_given names, not names_expected
  wrong_shape,                ///< `tensor` has found_shape instead of expected_shape
  bad_offsets,                ///< byte ranges not contiguous from 0, or bytes != elements x dtype
  buffer_not_covered,         ///< the data buffer is longer or shorter than the tensors' ranges
  architecture_mismatch,      ///< metadata "ctnn.architecture" differs from architecture<Net>
  non_finite_value,           ///< NaN or Inf in `tensor`
  too_many_tensors,           ///< more entries than the network's tensors + 64
  bad_test_vectors,           ///< one of ctnn.test_input / ctnn.test_output alone, or no samples,
                              ///< or sample counts that differ
  test_vectors_differ,        ///< the file's weights do not give its test outputs (`sample`, ...)
  test_vectors_need_scratch,  ///< the file has test vectors and Net is too large to copy on the
                              ///< stack: pass a scratch network (or check_test_vectors = false)
};

/// The name of a LoadStatus, for messages.
constexpr const char* to_string(LoadStatus s) {
  switch (s) {
    case LoadStatus::ok:
      return "ok";
    case LoadStatus::truncated:
      return "the file is truncated";
    case LoadStatus::header_too_large:
      return "the header length is above 100,000,000 bytes";
    case LoadStatus::bad_json:
      return "the header is not valid JSON of the safetensors form";
    case LoadStatus::integer_overflow:
      return "integer overflow: a shape or data offset is 2^53 or more";
    case LoadStatus::bad_tensor_entry:
      return "a tensor entry lacks dtype, shape or data_offsets, or has other fields";
    case LoadStatus::duplicate_key:
      return "a name appears twice";
    case LoadStatus::unsupported_dtype:
      return "a dtype other than F16, BF16, F32 or F64";
    case LoadStatus::missing_tensor:
      return "a tensor of the network is missing";
    case LoadStatus::unknown_tensor:
      return "the file has a tensor the network does not have";
    case LoadStatus::names_count_differs:
      return "LoadOptions::names does not name every tensor of the network";
    case LoadStatus::wrong_shape:
      return "a tensor has another shape than the network's";
    case LoadStatus::bad_offsets:
      return "data offsets are not contiguous from 0 or do not match the shapes";
    case LoadStatus::buffer_not_covered:
      return "the data buffer is not exactly covered by the tensors";
    case LoadStatus::architecture_mismatch:
      return "the file was saved from another architecture";
    case LoadStatus::non_finite_value:
      return "NaN or Inf in a tensor";
    case LoadStatus::too_many_tensors:
      return "too many tensors";
    case LoadStatus::bad_test_vectors:
      return "ctnn.test_input and ctnn.test_output do not come as a pair of equal sample counts";
    case LoadStatus::test_vectors_differ:
      return "the network with the file's weights does not give the file's test outputs";
    case LoadStatus::test_vectors_need_scratch:
      return "the file has test vectors and the network is too large to copy on the stack: "
             "pass a scratch network to load";
  }
  return "unknown";
}

/// What load did: ok(), or why not, with the tensor and the shapes involved. Self-contained (the
/// names are copied), so it outlives the file's bytes.
struct LoadResult {
  /// Why the file was accepted or rejected.
  LoadStatus status = LoadStatus::ok;
  /// A shape mismatch: the rank the network expects.
  std::size_t expected_rank = 0;
  /// A shape mismatch: the rank the file has.
  std::size_t found_rank = 0;
  /// A shape mismatch: the shape the network expects.
  std::array<std::uint64_t, 4> expected_shape{};
  /// A shape mismatch: the shape the file has.
  std::array<std::uint64_t, 4> found_shape{};
  std::size_t offset =
      0;  ///< for bad_json, integer_overflow: the header byte where reading stopped
  /// For bad_json and integer_overflow: why the JSON reader stopped ("a string that is not valid
  /// UTF-8", ...); "" otherwise.
  const char* json_problem = "";
  /// For names_count_differs: how many names LoadOptions::names has.
  std::size_t names_given = 0;
  /// For names_count_differs: how many tensors the network has.
  std::size_t names_expected = 0;
  /// Samples of the file's test vectors that the network reproduced (0: the file has none, or
  /// they were not checked).
  std::size_t tested_samples = 0;
  /// The tolerance the test vectors were checked with: LoadOptions::test_tolerance, or the one
  /// chosen from the file's dtypes (0: not checked).
  float tolerance = 0;
  /// True when the file was saved from the same layers bound to sequences of another length (a
  /// training network's windows, loaded into a streaming one): its test vectors, sequences of
  /// that length, were not run.
  bool other_sequence_length = false;
  /// For test_vectors_differ: the first sample outside the tolerance.
  std::size_t sample = 0;
  /// For test_vectors_differ: the output of that sample.
  std::size_t output = 0;
  /// For test_vectors_differ: the value the file expects.
  double expected_value = 0;
  /// For test_vectors_differ: the value the network gave.
  double found_value = 0;

  /// True when the file was loaded.
  constexpr bool ok() const { return status == LoadStatus::ok; }
  /// The tensor concerned, as written in the file (JSON escapes not decoded; at most 63 bytes).
  constexpr std::string_view tensor() const { return {tensor_.data(), tensor_size_}; }
  /// The JSON key or value concerned (at most 63 bytes): for bad_json, integer_overflow and
  /// bad_tensor_entry the field or metadata key being read, or the start of the string that is
  /// not valid; for unsupported_dtype the tensor's dtype.
  constexpr std::string_view key() const { return {key_.data(), key_size_}; }
  /// architecture<Net>, and what the file's "ctnn.architecture" says (at most 191 bytes).
  constexpr std::string_view expected_architecture() const { return expected_architecture_; }
  /// The architecture string the file named, when it differs.
  constexpr std::string_view found_architecture() const {
    return {found_architecture_.data(), found_architecture_size_};
  }
  /// For missing_tensor and unknown_tensor: the network's tensors (by the names load looked for)
  /// that the file lacks, in manifest order, ", "-separated ("..." when over 255 bytes).
  constexpr std::string_view network_unmatched() const {
    return {network_unmatched_.data(), network_unmatched_size_};
  }
  /// For missing_tensor and unknown_tensor: the file's tensors that the network does not have,
  /// the nearest to tensor() first (edit distance), ", "-separated ("..." when over 255 bytes).
  constexpr std::string_view file_unmatched() const {
    return {file_unmatched_.data(), file_unmatched_size_};
  }

  /// Records the tensor the status is about.
  constexpr void set_tensor(std::string_view name) { tensor_size_ = copy(name, tensor_); }
  /// Records the key or value the status is about.
  constexpr void set_key(std::string_view k) { key_size_ = copy(k, key_); }
  /// Records the file's architecture string.
  constexpr void set_found_architecture(std::string_view a) {
    found_architecture_size_ = copy(a, found_architecture_);
  }
  /// Records the network's architecture string (static storage).
  constexpr void set_expected_architecture(std::string_view a) { expected_architecture_ = a; }
  /// Appends a name to network_unmatched().
  constexpr void add_network_unmatched(std::string_view name) {
    append(name, network_unmatched_, network_unmatched_size_);
  }
  /// Appends a name to file_unmatched().
  constexpr void add_file_unmatched(std::string_view name) {
    append(name, file_unmatched_, file_unmatched_size_);
  }

 private:
  template <std::size_t N>
  static constexpr std::size_t copy(std::string_view from, std::array<char, N>& to) {
    const std::size_t n = from.size() < N ? from.size() : N;
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    return n;
  }
  template <std::size_t N>
  static constexpr void append(std::string_view name, std::array<char, N>& to, std::size_t& size) {
    constexpr std::string_view more = "...";
    if (size >= more.size() &&
        std::string_view(to.data() + size - more.size(), more.size()) == more)
      return;  // already full
    const std::size_t need = (size == 0 ? 0 : 2) + name.size();
    if (size + need + 5 > N) {  // keep room for ", ..."
      for (const char c : size == 0 ? more : std::string_view(", ...")) to[size++] = c;
      return;
    }
    if (size != 0) to[size++] = ',', to[size++] = ' ';
    for (const char c : name) to[size++] = c;
  }
  std::array<char, 63> tensor_{};
  std::size_t tensor_size_ = 0;
  std::array<char, 63> key_{};
  std::size_t key_size_ = 0;
  std::array<char, 191> found_architecture_{};
  std::size_t found_architecture_size_ = 0;
  std::string_view expected_architecture_;  // static storage (architecture<Net>)
  std::array<char, 255> network_unmatched_{};
  std::size_t network_unmatched_size_ = 0;
  std::array<char, 255> file_unmatched_{};
  std::size_t file_unmatched_size_ = 0;
};

/// What load accepts beyond an exact file: unknown tensors, other names, the test-vector tolerance.
struct LoadOptions {
  /// Accept (and skip) tensors the network does not have, of any dtype safetensors defines (a
  /// BatchNorm's I64 num_batches_tracked, an optimizer's state).
  bool ignore_unknown_tensors = false;
  /// The file's names for the network's tensors, in manifest order, for models that are not an
  /// nn.Sequential (e.g. {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}), or an
  /// nn.Sequential whose parameterless modules (Dropout) shift the indices. Empty: the
  /// manifest's names. Another count than the manifest's is rejected (names_count_differs).
  std::span<const std::string_view> names = {};
  /// Run the file's test vectors (tensors ctnn.test_input [samples, input...] and
  /// ctnn.test_output [samples, output...]) through the network with the file's weights before
  /// writing, and reject the file when an output differs by more than
  /// tolerance * max(1, |expected|). Catches transposed or misordered weights.
  bool check_test_vectors = true;
  /// The tolerance of the test outputs, times max(1, |expected|). 0 (the default) chooses it from
  /// the least precise dtype among the network's tensors and the test vectors in the file:
  /// 1e-4 for F32 and F64, 4e-3 for F16 (8 units in the last place), 3e-2 for BF16 (the same).
  float test_tolerance = 0;
};

/// The largest network that load copies on the stack to run a file's test vectors; above it,
/// pass a scratch network: load(net, bytes, scratch).
inline constexpr std::size_t load_stack_copy_limit = 16 * 1024;

/// A description for humans, e.g. "wrong_shape: tensor 0.weight has shape [3, 2], the network
/// expects [16, 2]".
struct LoadMessage {
  /// The message, zero-terminated.
  char text[1024] = {};
  /// The message as a C string.
  const char* c_str() const { return text; }
};

namespace detail {
/// Copies s to out (at most cap - 1 bytes and a zero), bytes outside printable ASCII as \xNN (a
/// rejected header may hold anything).
inline void printable(char* out, std::size_t cap, std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) {
      if (n + 1 >= cap) break;
      out[n++] = c;
    } else {
      if (n + 4 >= cap) break;
      out[n++] = '\\';
      out[n++] = 'x';
      out[n++] = "0123456789abcdef"[u >> 4];
      out[n++] = "0123456789abcdef"[u & 15];
    }
  }
  out[n] = '\0';
}
}  // namespace detail

/// A LoadResult as one line of text: the status and the tensor, shapes, names or values
/// involved, and the option that helps when there is one.
inline LoadMessage to_string(const LoadResult& r) {
  LoadMessage m;
  const auto shape = [](char* out, std::size_t cap, std::size_t rank, const auto& dims) {
    int used = std::snprintf(out, cap, "[");
    for (std::size_t a = 0; a < rank && used > 0 && std::size_t(used) < cap; ++a)
      used += std::snprintf(out + used, cap - std::size_t(used), a ? ", %llu" : "%llu",
                            static_cast<unsigned long long>(dims[a]));
    if (used > 0 && std::size_t(used) < cap)
      std::snprintf(out + used, cap - std::size_t(used), "]");
  };
  char tensor[256], key[256];
  detail::printable(tensor, sizeof tensor, r.tensor());
  detail::printable(key, sizeof key, r.key());
  const auto network = r.network_unmatched(), file = r.file_unmatched();
  if (r.status == LoadStatus::wrong_shape) {
    char found[96], expected[96];
    shape(found, sizeof found, r.found_rank, r.found_shape);
    shape(expected, sizeof expected, r.expected_rank, r.expected_shape);
    std::snprintf(m.text, sizeof m.text, "%s: tensor %s has shape %s, the network expects %s",
                  to_string(r.status), tensor, found, expected);
  } else if (r.status == LoadStatus::architecture_mismatch) {
    std::snprintf(m.text, sizeof m.text, "%s: the file is \"%.*s\", the network is \"%.*s\"",
                  to_string(r.status), int(r.found_architecture().size()),
                  r.found_architecture().data(), int(r.expected_architecture().size()),
                  r.expected_architecture().data());
  } else if (r.status == LoadStatus::test_vectors_differ) {
    std::snprintf(m.text, sizeof m.text,
                  "%s: sample %zu, output %zu: the file expects %.9g, the network gives %.9g "
                  "(tolerance %g x max(1, |expected|); LoadOptions::test_tolerance sets it)",
                  to_string(r.status), r.sample, r.output, r.expected_value, r.found_value,
                  double(r.tolerance));
  } else if (r.status == LoadStatus::bad_json || r.status == LoadStatus::integer_overflow) {
    const bool in_tensor = !r.tensor().empty();
    std::snprintf(m.text, sizeof m.text, "%s: at header byte %zu%s%s%s%s%s%s: %s",
                  to_string(r.status), r.offset, in_tensor ? ", in \"" : "", tensor,
                  in_tensor ? "\"" : "", r.key().empty() ? "" : ", reading \"", key,
                  r.key().empty() ? "" : "\"", r.json_problem);
  } else if (r.status == LoadStatus::names_count_differs) {
    std::snprintf(m.text, sizeof m.text,
                  "%s: LoadOptions::names has %zu names, the network has %zu tensors (name them "
                  "all, in the order of ctnn::manifest<Net>)",
                  to_string(r.status), r.names_given, r.names_expected);
  } else if (r.status == LoadStatus::missing_tensor) {
    std::snprintf(m.text, sizeof m.text,
                  "%s: the network's \"%s\" is not in the file. The network's tensors not in the "
                  "file: %.*s. The file's tensors not in the network (nearest first): %.*s. If "
                  "these are the same tensors under other names, pass their names to "
                  "LoadOptions::names, in the order of ctnn::manifest<Net>",
                  to_string(r.status), tensor, int(network.size()), network.data(),
                  file.empty() ? 6 : int(file.size()), file.empty() ? "(none)" : file.data());
  } else if (r.status == LoadStatus::unknown_tensor) {
    std::snprintf(m.text, sizeof m.text,
                  "%s: the file's \"%s\" is not a tensor of the network (the file's tensors not "
                  "in the network: %.*s). Set LoadOptions::ignore_unknown_tensors to skip them, "
                  "or LoadOptions::names if the network's tensors are among them",
                  to_string(r.status), tensor, int(file.size()), file.data());
  } else if (r.status == LoadStatus::unsupported_dtype) {
    std::snprintf(m.text, sizeof m.text, "%s: tensor %s has dtype %s", to_string(r.status), tensor,
                  key);
  } else if (!r.tensor().empty()) {
    std::snprintf(m.text, sizeof m.text, "%s: %s", to_string(r.status), tensor);
  } else {
    std::snprintf(m.text, sizeof m.text, "%s", to_string(r.status));
  }
  return m;
}

namespace detail {

struct file_tensor {
  std::string_view raw_name;
  bool escaped = false;
  DType dtype = DType::f32;
  bool readable = true;   // one of DType's (the others are only skipped)
  std::size_t bytes = 4;  // per element
  std::string_view dtype_text;
  std::size_t rank = 0;
  std::array<std::uint64_t, 4> shape{};
  std::uint64_t begin = 0, end = 0;
  std::uint64_t elements = 0;
  std::size_t match = std::size_t(-1);  // manifest index, or none
};

template <class Shape>
bool test_shape_matches(const file_tensor& t, LoadResult& r) {
  constexpr std::size_t rank = test_rank<Shape>;
  const auto want = test_dims<Shape>(t.rank > 0 ? t.shape[0] : 1);
  bool same = t.rank == rank;
  for (std::size_t a = 0; same && a < rank; ++a) same = t.shape[a] == want[a];
  if (!same) {
    r.expected_rank = rank;
    r.found_rank = t.rank;
    for (std::size_t a = 0; a < rank; ++a) r.expected_shape[a] = want[a];
    r.found_shape = t.shape;
  }
  return same;
}

/// Runs every test sample through net (one at a time: no buffer grows with the sample count).
template <class Net>
bool reproduces_test_vectors(const Net& net, const file_tensor& in, const file_tensor& out,
                             const std::byte* data, float tolerance, LoadResult& r) {
  using T = typename Net::value_type;
  Matrix<T, 1, Net::input_size> x;
  for (std::size_t s = 0; s < in.shape[0]; ++s) {
    for (std::size_t i = 0; i < Net::input_size; ++i)
      x[i] = decode<T>(data + in.begin, in.dtype, s * Net::input_size + i);
    const auto y = net.forward(x);
    for (std::size_t j = 0; j < Net::output_size; ++j) {
      const T e = decode<T>(data + out.begin, out.dtype, s * Net::output_size + j);
      const T found = y[j];
      const T d = found > e ? found - e : e - found;
      if (!(d <= static_cast<T>(tolerance) * (e > 1 ? e : e < -1 ? -e : 1))) {
        r.sample = s;
        r.output = j;
        r.expected_value = static_cast<double>(e);
        r.found_value = static_cast<double>(found);
        return false;
      }
    }
  }
  r.tested_samples = in.shape[0];
  return true;
}

/// The dtypes safetensors defines: ctnn reads the four float ones; the others (a BatchNorm's
/// I64 counter, masks, quantized tensors) it can only skip. False for a dtype it does not define.
constexpr bool parse_dtype(std::string_view v, bool escaped, file_tensor& t) {
  constexpr DType readable[] = {DType::f16, DType::bf16, DType::f32, DType::f64};
  for (const DType d : readable)
    if (json_string_equals(v, escaped, dtype_name(d))) {
      t.dtype = d;
      t.readable = true;
      t.bytes = dtype_bytes(d);
      return true;
    }
  struct other {
    std::string_view name;
    std::size_t bytes;
  };
  constexpr other others[] = {{"BOOL", 1},    {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1},
                              {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"I32", 4},
                              {"U32", 4},     {"I64", 8}, {"U64", 8}};
  for (const other& o : others)
    if (json_string_equals(v, escaped, o.name)) {
      t.readable = false;
      t.bytes = o.bytes;
      return true;
    }
  return false;
}

/// Reads one tensor entry's object: exactly dtype, shape (rank <= 4) and data_offsets. On a
/// rejection, `field` is the field being read.
inline LoadStatus read_tensor_entry(json_cursor& c, file_tensor& t, std::string_view& field) {
  const auto json_failure = [&] {
    return c.error == json_error::too_large ? LoadStatus::integer_overflow : LoadStatus::bad_json;
  };
  if (!c.take('{')) return LoadStatus::bad_json;
  bool seen_dtype = false, seen_shape = false, seen_offsets = false;
  bool first = true;
  while (true) {
    if (c.take('}')) break;
    if (!first && !c.take(',')) return LoadStatus::bad_json;
    first = false;
    std::string_view key;
    bool escaped;
    if (!c.string(key, escaped)) return LoadStatus::bad_json;
    field = key;
    if (!c.take(':')) return LoadStatus::bad_json;
    if (json_string_equals(key, escaped, "dtype") && !seen_dtype) {
      seen_dtype = true;
      std::string_view v;
      bool e;
      if (!c.string(v, e)) return LoadStatus::bad_json;
      t.dtype_text = v;
      if (!parse_dtype(v, e, t)) {
        field = v;
        return LoadStatus::unsupported_dtype;
      }
    } else if (json_string_equals(key, escaped, "shape") && !seen_shape) {
      seen_shape = true;
      if (!c.take('[')) return LoadStatus::bad_json;
      if (!c.take(']')) {
        do {
          std::uint64_t d;
          if (!c.integer(d)) return json_failure();
          if (t.rank == t.shape.size()) return LoadStatus::bad_tensor_entry;
          t.shape[t.rank++] = d;
        } while (c.take(','));
        if (!c.take(']')) return LoadStatus::bad_json;
      }
    } else if (json_string_equals(key, escaped, "data_offsets") && !seen_offsets) {
      seen_offsets = true;
      if (!c.take('[')) return LoadStatus::bad_json;
      if (!c.integer(t.begin)) return json_failure();
      if (!c.take(',')) return LoadStatus::bad_json;
      if (!c.integer(t.end)) return json_failure();
      if (!c.take(']')) return LoadStatus::bad_json;
    } else {
      return LoadStatus::bad_tensor_entry;  // an unknown or repeated field
    }
  }
  field = {};
  return seen_dtype && seen_shape && seen_offsets ? LoadStatus::ok : LoadStatus::bad_tensor_entry;
}

/// Levenshtein distance of two names (their first 63 bytes), to list the nearest names first.
constexpr std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > 63) a = a.substr(0, 63);
  if (b.size() > 63) b = b.substr(0, 63);
  std::size_t row[64] = {};
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t replace = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      const std::size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
      row[j] = replace < best ? replace : best;
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// The coarsest dtype's test tolerance (see LoadOptions::test_tolerance).
constexpr float tolerance_for(DType coarsest) {
  return coarsest == DType::bf16 ? 3e-2f : coarsest == DType::f16 ? 4e-3f : 1e-4f;
}

}  // namespace detail

namespace detail {
template <class Net>
LoadResult load_checked(Net& net, std::span<const std::byte> bytes, Net* scratch,
                        const LoadOptions& options) {
  constexpr auto& m = manifest<Net>;
  constexpr std::size_t expected = m.size();
  constexpr std::size_t capacity = expected + 64;
  LoadResult r;
  r.set_expected_architecture(architecture<Net>);
  const auto fail = [&](LoadStatus s) {
    r.status = s;
    return r;
  };
  if (bytes.size() < 8) return fail(LoadStatus::truncated);
  const std::uint64_t n = load_little_endian(bytes.data(), 8);
  if (n > 100'000'000) return fail(LoadStatus::header_too_large);
  if (n > bytes.size() - 8) return fail(LoadStatus::truncated);
  const std::string_view header{reinterpret_cast<const char*>(bytes.data()) + 8, std::size_t(n)};
  const std::byte* data = bytes.data() + 8 + n;
  const std::uint64_t data_size = bytes.size() - 8 - n;
  if (!options.names.empty() && options.names.size() != expected) {
    r.names_given = options.names.size();
    r.names_expected = expected;
    return fail(LoadStatus::names_count_differs);
  }

  // Parse the header.
  std::array<file_tensor, capacity> found{};
  std::size_t count = 0;
  json_cursor c{header};
  // A JSON rejection: where, why, and the string being read when it was a string's fault.
  const auto json_error_at = [&](LoadStatus s = LoadStatus::bad_json) {
    r.offset = c.at;
    if (c.error == json_error::none) c.error = json_error::syntax;
    r.json_problem = describe(c.error);
    if (c.error == json_error::not_utf8 || c.error == json_error::bad_escape ||
        c.error == json_error::control_character || c.error == json_error::unterminated) {
      const std::size_t end = c.at < header.size() ? c.at + 1 : header.size();
      r.set_key(header.substr(c.string_begin, end - c.string_begin));
    }
    return fail(c.error == json_error::too_large ? LoadStatus::integer_overflow : s);
  };
  if (!c.take('{')) return json_error_at();
  bool first = true, seen_metadata = false;
  while (!c.take('}')) {
    if (!first && !c.take(',')) return json_error_at();
    first = false;
    std::string_view key;
    bool escaped;
    if (!c.string(key, escaped)) return json_error_at();
    r.set_tensor(key);
    if (!c.take(':')) return json_error_at();
    if (json_string_equals(key, escaped, "__metadata__")) {
      if (seen_metadata) return fail(LoadStatus::duplicate_key);
      seen_metadata = true;
      if (!c.take('{')) return json_error_at();
      bool first_field = true;
      while (!c.take('}')) {
        if (!first_field && !c.take(',')) return json_error_at();
        first_field = false;
        std::string_view k, v;
        bool ke, ve;
        if (!c.string(k, ke)) return json_error_at();
        r.set_key(k);
        if (!c.take(':') || !c.string(v, ve)) return json_error_at();
        if (json_string_equals(k, ke, "ctnn.architecture")) {
          r.set_found_architecture(v);
          if (!json_string_equals(v, ve, architecture<Net>)) {
            if (!ve && same_layers_other_length<Net>(v))
              r.other_sequence_length = true;
            else
              r.status = LoadStatus::architecture_mismatch;  // reported after the JSON is read
          }
        }
      }
      r.set_tensor({});
      r.set_key({});
      continue;
    }
    if (count == capacity) return fail(LoadStatus::too_many_tensors);
    file_tensor& t = found[count];
    t.raw_name = key;
    t.escaped = escaped;
    r.set_tensor(key);
    for (std::size_t k = 0; k < count; ++k)
      if (found[k].raw_name == key)  // raw equality; escaped duplicates are caught by match
        return fail(LoadStatus::duplicate_key);
    std::string_view field;
    if (const LoadStatus s = read_tensor_entry(c, t, field); s != LoadStatus::ok) {
      if (s == LoadStatus::bad_json || s == LoadStatus::integer_overflow) {
        if (!field.empty()) r.set_key(field);
        return json_error_at();
      }
      r.set_key(field);
      return fail(s);
    }
    ++count;
  }
  r.set_tensor({});
  c.skip_space();
  if (!c.done()) {  // trailing bytes after the object
    c.error = json_error::syntax;
    return json_error_at();
  }
  if (r.status == LoadStatus::architecture_mismatch) return r;

  // Match names, shapes and dtypes.
  const auto name_of = [&](std::size_t e) {
    return options.names.empty() ? m[e].name() : options.names[e];
  };
  using In = typename Net::template shape_type<0>;
  using Out = typename Net::template shape_type<Net::depth>;
  const file_tensor *test_in = nullptr, *test_out = nullptr;
  std::array<bool, expected == 0 ? 1 : expected> present{};
  DType coarsest = DType::f64;  // the least precise dtype the network reads
  const auto precision = [](DType d) { return d == DType::bf16 ? 0 : d == DType::f16 ? 1 : 2; };
  const file_tensor* first_unknown = nullptr;
  for (std::size_t k = 0; k < count; ++k) {
    file_tensor& t = found[k];
    for (std::size_t e = 0; e < expected; ++e)
      if (json_string_equals(t.raw_name, t.escaped, name_of(e))) t.match = e;
    r.set_tensor(t.raw_name);
    const bool is_input = json_string_equals(t.raw_name, t.escaped, test_input_name);
    const bool is_test = is_input || json_string_equals(t.raw_name, t.escaped, test_output_name);
    if ((t.match != std::size_t(-1) || is_test) && !t.readable) {
      r.set_key(t.dtype_text);
      return fail(LoadStatus::unsupported_dtype);
    }
    if (t.match == std::size_t(-1)) {
      if (is_test) {
        const file_tensor*& slot = is_input ? test_in : test_out;
        if (slot != nullptr) return fail(LoadStatus::duplicate_key);
        if (!r.other_sequence_length &&
            !(is_input ? test_shape_matches<In>(t, r) : test_shape_matches<Out>(t, r)))
          return fail(LoadStatus::wrong_shape);
        slot = &t;
        if (precision(t.dtype) < precision(coarsest)) coarsest = t.dtype;
      } else if (first_unknown == nullptr) {
        first_unknown = &t;
      }
      continue;
    }
    if (present[t.match]) return fail(LoadStatus::duplicate_key);
    present[t.match] = true;
    if (precision(t.dtype) < precision(coarsest)) coarsest = t.dtype;
    const TensorLayout& want = m[t.match].layout;
    bool same = t.rank == want.rank;
    for (std::size_t a = 0; same && a < want.rank; ++a) same = t.shape[a] == want.dims[a];
    if (!same) {
      r.expected_rank = want.rank;
      r.found_rank = t.rank;
      for (std::size_t a = 0; a < want.rank; ++a) r.expected_shape[a] = want.dims[a];
      r.found_shape = t.shape;
      return fail(LoadStatus::wrong_shape);
    }
  }
  r.set_tensor({});
  // Names that do not match: the network's missing ones, then the file's unknown ones (unless
  // ignored), each with both sides' unmatched names, the file's nearest first.
  std::size_t first_missing = expected;
  for (std::size_t e = 0; e < expected; ++e)
    if (!present[e]) {
      if (first_missing == expected) first_missing = e;
      r.add_network_unmatched(name_of(e));
    }
  if (first_missing != expected || (first_unknown != nullptr && !options.ignore_unknown_tensors)) {
    const std::string_view about =
        first_missing != expected ? name_of(first_missing) : first_unknown->raw_name;
    std::array<std::size_t, capacity> unknown{}, distance{};
    std::size_t unknowns = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const file_tensor& t = found[k];
      if (t.match != std::size_t(-1) || &t == test_in || &t == test_out) continue;
      const std::size_t d = edit_distance(about, t.raw_name);
      std::size_t at = unknowns++;
      for (; at > 0 && distance[at - 1] > d; --at) {  // insertion: nearest first, stable
        unknown[at] = unknown[at - 1];
        distance[at] = distance[at - 1];
      }
      unknown[at] = k;
      distance[at] = d;
    }
    for (std::size_t u = 0; u < unknowns; ++u) r.add_file_unmatched(found[unknown[u]].raw_name);
    r.set_tensor(about);
    return fail(first_missing != expected ? LoadStatus::missing_tensor
                                          : LoadStatus::unknown_tensor);
  }
  if ((test_in == nullptr) != (test_out == nullptr) ||
      (test_in != nullptr && (test_in->shape[0] == 0 || test_in->shape[0] != test_out->shape[0])))
    return fail(LoadStatus::bad_test_vectors);

  // Byte ranges: each exactly its elements, together contiguous from 0 to the end of the file.
  std::array<std::size_t, capacity> order{};
  for (std::size_t k = 0; k < count; ++k) order[k] = k;
  for (std::size_t k = 1; k < count; ++k)  // insertion sort by begin (few entries)
    for (std::size_t j = k; j > 0 && found[order[j]].begin < found[order[j - 1]].begin; --j)
      std::swap(order[j], order[j - 1]);
  std::uint64_t covered = 0;
  for (std::size_t k = 0; k < count; ++k) {
    file_tensor& t = found[order[k]];
    std::uint64_t elements = 1;
    for (std::size_t a = 0; a < t.rank; ++a) {
      if (t.shape[a] != 0 && elements > (std::uint64_t{1} << 53) / t.shape[a]) {
        r.set_tensor(t.raw_name);
        return fail(LoadStatus::bad_offsets);
      }
      elements *= t.shape[a];
    }
    if (t.begin != covered || t.end < t.begin || t.end - t.begin != elements * t.bytes) {
      r.set_tensor(t.raw_name);
      return fail(LoadStatus::bad_offsets);
    }
    covered = t.end;
    t.elements = elements;
  }
  if (covered != data_size) return fail(LoadStatus::buffer_not_covered);

  // Every value finite, before anything is written.
  for (std::size_t k = 0; k < count; ++k) {
    const file_tensor& t = found[k];
    if (t.match == std::size_t(-1) && &t != test_in && &t != test_out) continue;
    for (std::size_t i = 0; i < t.elements; ++i)
      if (!is_finite(decode<typename Net::value_type>(data + t.begin, t.dtype, i))) {
        r.set_tensor(t.raw_name);
        return fail(LoadStatus::non_finite_value);
      }
  }

  // Write (into a copy first when the file has test vectors to run).
  std::array<const file_tensor*, expected == 0 ? 1 : expected> by_manifest{};
  for (std::size_t k = 0; k < count; ++k)
    if (found[k].match != std::size_t(-1)) by_manifest[found[k].match] = &found[k];
  const auto write = [&](Net& to) {
    for_each_manifest_tensor(to, [&](std::size_t e, auto& matrix) {
      using T = typename std::remove_cvref_t<decltype(matrix)>::value_type;
      const file_tensor& t = *by_manifest[e];
      const TensorLayout& layout = m[e].layout;
      for (std::size_t i = 0; i < layout.size(); ++i)
        matrix[layout.matrix_index(i)] = decode<T>(data + t.begin, t.dtype, i);
    });
  };
  if (test_in != nullptr && options.check_test_vectors && !r.other_sequence_length) {
    r.tolerance = options.test_tolerance > 0 ? options.test_tolerance : tolerance_for(coarsest);
    const auto reproduces = [&](Net& copy) {
      write(copy);
      return reproduces_test_vectors(copy, *test_in, *test_out, data, r.tolerance, r);
    };
    if (scratch != nullptr) {
      if (!reproduces(*scratch)) return fail(LoadStatus::test_vectors_differ);
    } else if constexpr (sizeof(Net) <= load_stack_copy_limit) {
      Net copy = net;
      if (!reproduces(copy)) return fail(LoadStatus::test_vectors_differ);
    } else {
      return fail(LoadStatus::test_vectors_need_scratch);
    }
  }
  write(net);
  return r;
}
}  // namespace detail

/// Reads net's parameters from a safetensors file in `bytes`. Checks everything first (header
/// length and bounds, strict JSON, every tensor present once with the network's shape, byte
/// ranges contiguous and covering the buffer exactly, the architecture when the file names one,
/// every value finite, and the file's test vectors when it has some); only then writes. On any
/// rejection net is untouched. Test vectors run on a copy of net on the stack, for networks of at
/// most load_stack_copy_limit bytes; for larger ones use the overload with a scratch network.
template <class Net>
requires is_network_v<Net>
[[nodiscard]] LoadResult load(Net& net, std::span<const std::byte> bytes,
                              LoadOptions options = {}) {
  return detail::load_checked<Net>(net, bytes, nullptr, options);
}

/// load, running the file's test vectors on `scratch` (which gets the file's weights whenever the
/// file passed every other check), so that no copy of Net is made on the stack.
template <class Net>
requires is_network_v<Net>
[[nodiscard]] LoadResult load(Net& net, std::span<const std::byte> bytes, Net& scratch,
                              LoadOptions options = {}) {
  return detail::load_checked<Net>(net, bytes, &scratch, options);
}

}  // namespace ctnn
