// Weight files: the manifest and architecture from the type, the exact bytes save writes, round
// trips, PyTorch's layouts, F16/BF16/F64 on load, and every rejection leaving the network as it
// was (also a file truncated at every length).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/io/file.hpp>
#include <ctnn/io/safetensors.hpp>

using namespace ctnn;

namespace {

using Small = Network<Input<2>, Dense<3>, Tanh, Dense<1>>;
using Conv = Network<Input<8, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<2>>;

static_assert(architecture<Small> == "Input<2> Dense<3> Tanh Dense<1>");
static_assert(architecture<Conv> == "Input<8, 2> Conv1D<3, 2> ReLU Flatten Dense<2>");
static_assert(architecture<Network<Input<4>, Dense<4, 8>, ReLU, Dense<8, 3>>> ==
              "Input<4> Dense<8> ReLU Dense<3>");  // canonical: the written In is implied
static_assert(architecture<Network<Input<40, 2>, Conv1D<3, 3, 1>, Conv1D<1, 2, 8>>> ==
              "Input<40, 2> Conv1D<3, 3> Conv1D<1, 2, 8>");  // dilation 1 is not spelled
static_assert(architecture_hash<Small> != architecture_hash<Conv>);
static_assert(manifest<Small>.size() == 4);
static_assert(manifest<Small>[2].name() == "2.weight");  // PyTorch's nn.Sequential index
static_assert(manifest<Small>[0].layout.dims[0] == 3 && manifest<Small>[0].layout.dims[1] == 2);
static_assert(manifest<Conv>[0].name() == "0.weight" && manifest<Conv>[0].layout.rank == 3);
static_assert(manifest<Conv>[0].layout.dims == std::array<std::size_t, 3>{3, 2, 2});

// s with the first `from` replaced by `to` (std::string::replace trips GCC 12's -Wrestrict).
std::string replaced(const std::string& s, std::string_view from, std::string_view to) {
  const std::size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.substr(0, at) + std::string(to) + s.substr(at + from.size());
}

std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

// A file from a header text and data bytes: 8-byte length, header, data.
std::vector<std::byte> file(std::string_view header, const std::vector<std::byte>& data) {
  std::vector<std::byte> f(8);
  const std::uint64_t n = header.size();
  for (int k = 0; k < 8; ++k) f[std::size_t(k)] = std::byte((n >> (8 * k)) & 0xFF);
  const auto h = bytes_of(header);
  f.insert(f.end(), h.begin(), h.end());
  f.insert(f.end(), data.begin(), data.end());
  return f;
}

std::vector<std::byte> floats(std::initializer_list<float> values) {
  std::vector<std::byte> b(values.size() * 4);
  std::size_t i = 0;
  for (const float v : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int k = 0; k < 4; ++k) b[i++] = std::byte((bits >> (8 * k)) & 0xFF);
  }
  return b;
}

// A valid file for Small: W1^T (3 x 2), b1 (3), W2^T (1 x 3), b2 (1), with the given metadata.
std::string small_header(std::string_view tail = "", std::string_view meta = "") {
  std::string h = "{";
  if (!meta.empty()) h += "\"__metadata__\":{" + std::string(meta) + "},";
  h += "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
       "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]},"
       "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[36,48]},"
       "\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[48,52]}";
  h += tail;
  h += "}";
  return h;
}
std::vector<std::byte> small_data() {
  return floats({1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 7, 8, 9, -1});
}

// Loads f into a Small and checks the status and that the network did not change.
LoadResult rejected(const std::vector<std::byte>& f, LoadStatus expected, LoadOptions o = {}) {
  static Small net{Seed{5}};
  const Small before = net;
  const LoadResult r = load(net, f, o);
  INFO(to_string(r).c_str());
  CHECK(r.status == expected);
  CHECK(net == before);
  return r;
}

}  // namespace

TEST_CASE("save writes the header and PyTorch's layouts", "[io]") {
  static Small net;
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t o = 0; o < 3; ++o) net.layer<1>().weights(i, o) = float(10 * i + o);
  std::vector<std::byte> out(saved_size<Small> + 5, std::byte{0x55});
  REQUIRE(save(net, out));
  CHECK(out[saved_size<Small>] == std::byte{0x55});  // nothing past saved_size
  std::uint64_t n = 0;
  for (int k = 0; k < 8; ++k) n |= std::uint64_t(out[std::size_t(k)]) << (8 * k);
  CHECK(n % 8 == 0);
  const std::string header(reinterpret_cast<const char*>(out.data()) + 8, n);
  const std::string expected =
      "{\"__metadata__\":{\"ctnn.architecture\":\"Input<2> Dense<3> Tanh Dense<1>\",\"format\":"
      "\"pt\"},\"0.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
      "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]},\"2.weight\":{"
      "\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[36,48]},\"2.bias\":{\"dtype\":\"F32\","
      "\"shape\":[1],\"data_offsets\":[48,52]}}";
  CHECK(header.substr(0, expected.size()) == expected);
  CHECK(header.find_first_not_of(' ', expected.size()) == std::string::npos);  // space padding
  CHECK(saved_size<Small> == 8 + n + 52);
  // 0.weight is W^T: (o, i) row-major -> W(i, o) = 10 i + o.
  const std::byte* data = out.data() + 8 + n;
  const float want[6] = {0, 10, 1, 11, 2, 12};
  for (int k = 0; k < 6; ++k) {
    float v;
    std::memcpy(&v, data + 4 * k, 4);
    CHECK(v == want[k]);
  }
  std::vector<std::byte> small(saved_size<Small> - 1);
  CHECK_FALSE(save(net, small));
}

TEST_CASE("save then load is bit-exact, float and double, dense and convolutional", "[io]") {
  static Conv a{Seed{1}}, b{Seed{2}};
  for_each_parameter(a, [](std::size_t, std::string_view, std::string_view, auto& t) {
    for (std::size_t i = 0; i < t.size; ++i) t[i] += 1e-3f * float(i % 7);  // non-zero biases
  });
  std::vector<std::byte> f(saved_size<Conv>);
  REQUIRE(save(a, f));
  REQUIRE_FALSE(a == b);
  const LoadResult r = load(b, f);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(a == b);
  const auto x = Matrix<float, 3, 16>::filled(0.25f);
  CHECK(a.forward(x) == b.forward(x));

  using D = BasicNetwork<double, Input<5>, Dense<4>, Sigmoid, Dense<2>>;
  static D c{Seed{3}}, d{Seed{4}};
  std::vector<std::byte> g(saved_size<D>);
  REQUIRE(save(c, g));
  REQUIRE(load(d, g).ok());
  CHECK(c == d);
}

TEST_CASE("load converts F16, BF16 and F64 exactly", "[io]") {
  // 0.weight as F16: 1.5, -2, 2^-24 (smallest subnormal), 65504, 0, -0.
  const std::vector<std::byte> f16 = {std::byte{0x00}, std::byte{0x3E}, std::byte{0x00},
                                      std::byte{0xC0}, std::byte{0x01}, std::byte{0x00},
                                      std::byte{0xFF}, std::byte{0x7B}, std::byte{0x00},
                                      std::byte{0x00}, std::byte{0x00}, std::byte{0x80}};
  // 0.bias as BF16: 1, -3.5, 0.15625.
  const std::vector<std::byte> bf16 = {std::byte{0x80}, std::byte{0x3F}, std::byte{0x60},
                                       std::byte{0xC0}, std::byte{0x20}, std::byte{0x3E}};
  // 2.weight as F64 (0.1 rounds to float), 2.bias F32.
  std::vector<std::byte> f64(24);
  const double w2[3] = {0.1, -1.0, 3.0};
  std::memcpy(f64.data(), w2, 24);
  std::vector<std::byte> data = f16;
  data.insert(data.end(), bf16.begin(), bf16.end());
  data.insert(data.end(), f64.begin(), f64.end());
  const auto b2 = floats({-7});
  data.insert(data.end(), b2.begin(), b2.end());
  const std::string header =
      "{\"0.weight\":{\"dtype\":\"F16\",\"shape\":[3,2],\"data_offsets\":[0,12]},"
      "\"0.bias\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
      "\"2.weight\":{\"dtype\":\"F64\",\"shape\":[1,3],\"data_offsets\":[18,42]},"
      "\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[42,46]}}";
  static Small net;
  const LoadResult r = load(net, file(header, data));
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  const auto& w = net.layer<1>().weights;  // (In 2, Out 3); file is (3, 2) = W^T
  CHECK(w(0, 0) == 1.5f);
  CHECK(w(1, 0) == -2.0f);
  CHECK(w(0, 1) == std::ldexp(1.0f, -24));
  CHECK(w(1, 1) == 65504.0f);
  CHECK(w(0, 2) == 0.0f);
  CHECK(std::signbit(w(1, 2)));
  CHECK(net.layer<1>().bias[0] == 1.0f);
  CHECK(net.layer<1>().bias[1] == -3.5f);
  CHECK(net.layer<1>().bias[2] == 0.15625f);
  CHECK(net.layer<3>().weights[0] == 0.1f);
  CHECK(net.layer<3>().bias[0] == -7.0f);

  // An F64 value finite as double but beyond float's range would become Inf in a float network:
  // rejected like Inf itself.
  const double huge[3] = {0.1, 1e300, 3.0};
  std::memcpy(data.data() + 18, huge, 24);
  const Small before = net;
  const LoadResult overflow = load(net, file(header, data));
  CHECK(overflow.status == LoadStatus::non_finite_value);
  CHECK(overflow.tensor() == "2.weight");
  CHECK(net == before);
}

TEST_CASE("every malformed or mismatched file is rejected and the network untouched", "[io]") {
  const auto data = small_data();
  static Small valid;
  REQUIRE(load(valid, file(small_header(), data)).ok());  // the valid file, for contrast

  rejected({}, LoadStatus::truncated);
  rejected(bytes_of("1234567"), LoadStatus::truncated);
  auto too_long = file(small_header(), data);
  too_long[1] = std::byte{0xFF};  // header length beyond the file
  rejected(too_long, LoadStatus::truncated);
  auto huge = file(small_header(), data);
  huge[4] = std::byte{0x01};  // 2^32 + ...: over the 100 MB cap
  rejected(huge, LoadStatus::header_too_large);

  rejected(file(small_header(","), data), LoadStatus::bad_json);     // trailing comma
  rejected(file(small_header() + "x", data), LoadStatus::bad_json);  // trailing garbage
  rejected(file(std::string("[").append(small_header()).append("]"), data),
           LoadStatus::bad_json);  // not an object
  std::string leading_zero = small_header();
  leading_zero = replaced(leading_zero, "[0,24]", "[00,24]");
  rejected(file(leading_zero, data), LoadStatus::bad_json);
  std::string fraction = small_header();
  fraction = replaced(fraction, "[3,2]", "[3.0,2]");
  rejected(file(fraction, data), LoadStatus::bad_json);
  std::string control = small_header();
  control = replaced(control, "0.bias", "\t");
  rejected(file(control, data), LoadStatus::bad_json);
  const LoadResult unterminated = rejected(file("{\"0.weight", data), LoadStatus::bad_json);
  CHECK(std::string(to_string(unterminated).c_str()).find("at header byte") != std::string::npos);

  rejected(
      file(small_header(",\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[52,64]}"),
           data),
      LoadStatus::duplicate_key);
  // The same name written with an escape is the same key.
  rejected(file(small_header(",\"0.\\u0062ias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":"
                             "[52,64]}"),
                floats({1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 7, 8, 9, -1, 0, 0, 0})),
           LoadStatus::duplicate_key);

  const auto extra = floats({1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 7, 8, 9, -1, 42});
  const auto with_unknown =
      file(small_header(",\"9.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[52,56]}"),
           extra);
  const LoadResult unknown = rejected(with_unknown, LoadStatus::unknown_tensor);
  CHECK(unknown.tensor() == "9.weight");
  static Small tolerant;
  CHECK(load(tolerant, with_unknown, LoadOptions{.ignore_unknown_tensors = true}).ok());
  CHECK(tolerant.layer<3>().bias[0] == -1.0f);

  const std::string missing = replaced(
      small_header(), ",\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[48,52]}", "");
  const LoadResult m =
      rejected(file(missing, floats({1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 7, 8, 9})),
               LoadStatus::missing_tensor);
  CHECK(m.tensor() == "2.bias");

  std::string shape = small_header();
  shape = replaced(shape, "[3,2]", "[2,3]");  // W instead of W^T
  const LoadResult s = rejected(file(shape, data), LoadStatus::wrong_shape);
  CHECK(std::string(to_string(s).c_str()) ==
        "a tensor has another shape than the network's: tensor 0.weight has shape [2, 3], the "
        "network expects [3, 2]");

  std::string dtype = small_header();
  dtype = replaced(dtype, "F32", "I8");
  rejected(file(dtype, data), LoadStatus::unsupported_dtype);
  std::string field = small_header();
  field = replaced(field, "\"dtype\"", "\"dtypo\"");
  rejected(file(field, data), LoadStatus::bad_tensor_entry);

  std::string gap = small_header();
  gap = replaced(gap, "[24,36]", "[28,36]");
  rejected(file(gap, data), LoadStatus::bad_offsets);
  std::string count = small_header();
  count = replaced(count, "[36,48]", "[36,52]");
  rejected(file(count, data), LoadStatus::bad_offsets);
  rejected(file(small_header(), floats({1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 0.25f, 7, 8, 9, -1, 0})),
           LoadStatus::buffer_not_covered);

  const LoadResult arch = rejected(
      file(small_header("", "\"ctnn.architecture\":\"Input<2> Dense<4> Tanh Dense<1>\""), data),
      LoadStatus::architecture_mismatch);
  CHECK(std::string(to_string(arch).c_str()) ==
        "the file was saved from another architecture: the file is \"Input<2> Dense<4> Tanh "
        "Dense<1>\", the network is \"Input<2> Dense<3> Tanh Dense<1>\"");
  static Small named;
  CHECK(load(named,
             file(small_header("", "\"ctnn.architecture\":\"Input<2> Dense<3> Tanh Dense<1>\""),
                  data))
            .ok());

  auto nan = data;
  const auto quiet_nan = floats({std::nanf("")});
  std::copy(quiet_nan.begin(), quiet_nan.end(), nan.begin() + 28);
  const LoadResult n = rejected(file(small_header(), nan), LoadStatus::non_finite_value);
  CHECK(n.tensor() == "0.bias");
}

TEST_CASE("LoadOptions::names maps the file's names (a model that is not nn.Sequential)", "[io]") {
  std::string header = small_header();
  header = replaced(header, "0.weight", "fc1.weight");
  header = replaced(header, "0.bias", "fc1.bias");
  header = replaced(header, "2.weight", "fc2.weight");
  header = replaced(header, "2.bias", "fc2.bias");
  const auto f = file(header, small_data());
  const std::string_view names[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  static Small net;
  const LoadResult r = load(net, f, LoadOptions{.names = names});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(net.layer<1>().weights(1, 0) == 2.0f);  // file (3, 2) row 0 = {1, 2} = W(0..1, 0)
  CHECK(net.layer<3>().bias[0] == -1.0f);
  // Without the names: the network's first tensor is missing; the message lists both sides and
  // points to the option.
  const LoadResult unnamed = rejected(f, LoadStatus::missing_tensor);
  CHECK(unnamed.tensor() == "0.weight");
  CHECK(unnamed.network_unmatched() == "0.weight, 0.bias, 2.weight, 2.bias");
  CHECK(unnamed.file_unmatched().substr(0, 10) == "fc1.weight");  // the nearest first
  CHECK(std::string(to_string(unnamed).c_str()).find("LoadOptions::names") != std::string::npos);
  const std::string_view three[] = {"fc1.weight", "fc1.bias", "fc2.weight"};
  const LoadResult short_list =
      rejected(f, LoadStatus::names_count_differs, LoadOptions{.names = three});
  CHECK(std::string(to_string(short_list).c_str()) ==
        "LoadOptions::names does not name every tensor of the network: LoadOptions::names has 3 "
        "names, the network has 4 tensors (name them all, in the order of ctnn::manifest<Net>)");
}

TEST_CASE("an nn.Sequential with a Dropout: the message names both sides, nearest first", "[io]") {
  // torch numbers every module: Linear, Tanh, Dropout, Linear gives 0.* and 3.*.
  std::string header = small_header();
  header = replaced(header, "2.weight", "3.weight");
  header = replaced(header, "2.bias", "3.bias");
  const auto f = file(header, small_data());
  const LoadResult r = rejected(f, LoadStatus::missing_tensor);
  CHECK(r.tensor() == "2.weight");
  CHECK(r.network_unmatched() == "2.weight, 2.bias");
  CHECK(r.file_unmatched() == "3.weight, 3.bias");
  const std::string message = to_string(r).c_str();
  CHECK(message.find("\"2.weight\" is not in the file") != std::string::npos);
  CHECK(message.find("LoadOptions::names") != std::string::npos);
  const std::string_view names[] = {"0.weight", "0.bias", "3.weight", "3.bias"};
  static Small net;
  CHECK(load(net, f, LoadOptions{.names = names}).ok());
  // ignore_unknown_tensors does not hide a missing tensor.
  rejected(f, LoadStatus::missing_tensor, LoadOptions{.ignore_unknown_tensors = true});
}

TEST_CASE("the reference writer's order (sorted by name) loads", "[io]") {
  // safetensors' writer sorts tensors by name ("0.bias" before "0.weight") and lays the data out
  // in that order.
  const std::string header =
      "{\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
      "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[12,36]},"
      "\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[36,40]},"
      "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[40,52]}}";
  static Small net;
  const LoadResult r =
      load(net, file(header, floats({7, 8, 9, 1, 2, 3, 4, 5, 6, -1, 0.5f, -0.5f, 0.25f})));
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(net.layer<1>().bias[2] == 9.0f);
  CHECK(net.layer<1>().weights(1, 0) == 2.0f);
  CHECK(net.layer<3>().weights(2, 0) == 0.25f);
  CHECK(net.layer<3>().bias[0] == -1.0f);
}

TEST_CASE("tensors of other dtypes are skipped when asked; a network's must be floats", "[io]") {
  // A BatchNorm's num_batches_tracked: I64, shape [] (one value, 8 bytes).
  auto data = small_data();
  for (int k = 0; k < 8; ++k) data.push_back(std::byte{k == 0 ? std::uint8_t{3} : std::uint8_t{0}});
  const auto f = file(small_header(",\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],"
                                   "\"data_offsets\":[52,60]}"),
                      data);
  const LoadResult unknown = rejected(f, LoadStatus::unknown_tensor);
  CHECK(unknown.tensor() == "1.num_batches_tracked");
  CHECK(std::string(to_string(unknown).c_str()).find("ignore_unknown_tensors") !=
        std::string::npos);
  static Small net;
  CHECK(load(net, f, LoadOptions{.ignore_unknown_tensors = true}).ok());
  CHECK(net.layer<3>().bias[0] == -1.0f);
  // Its bytes still count: a wrong range is still caught.
  rejected(file(small_header(",\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],"
                             "\"data_offsets\":[52,56]}"),
                data),
           LoadStatus::bad_offsets, LoadOptions{.ignore_unknown_tensors = true});
  // A tensor the network reads must be a float one; a dtype safetensors does not define is
  // rejected wherever it is.
  std::string int_weight = small_header();
  int_weight =
      replaced(int_weight, "\"dtype\":\"F32\",\"shape\":[1],", "\"dtype\":\"I32\",\"shape\":[1],");
  const LoadResult i32 = rejected(file(int_weight, small_data()), LoadStatus::unsupported_dtype);
  CHECK(i32.tensor() == "2.bias");
  CHECK(std::string(to_string(i32).c_str()).find("has dtype I32") != std::string::npos);
  std::string made_up =
      small_header(",\"x\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[52,53]}");
  rejected(file(made_up, data), LoadStatus::unsupported_dtype,
           LoadOptions{.ignore_unknown_tensors = true});
}

TEST_CASE("the header is strict UTF-8 JSON and every rejection says where and why", "[io]") {
  const auto data = small_data();
  const auto with_meta = [&](std::string_view value) {
    return file(small_header("", std::string("\"note\":\"").append(value).append("\"")), data);
  };
  static Small net;
  CHECK(load(net, with_meta("caf\xC3\xA9 \xF0\x9F\x8E\xB8")).ok());  // é and a guitar: UTF-8
  CHECK(load(net, with_meta("\\ud83c\\udfb8")).ok());                // the guitar, escaped
  const char* bad[] = {"\xE9\xFF",                                   // Latin-1, as the file
                       "\xC0\x80",                                   // overlong NUL
                       "\xED\xA0\x80",                               // an encoded surrogate
                       "\xF4\x90\x80\x80",                           // above U+10FFFF
                       "\xE2\x82"};                                  // cut short
  for (const char* b : bad) {
    const LoadResult r = rejected(with_meta(b), LoadStatus::bad_json);
    CHECK(std::string(r.json_problem) == "a string that is not valid UTF-8");
    CHECK(std::string(to_string(r).c_str()).find("__metadata__") != std::string::npos);
  }
  const LoadResult latin1 = rejected(with_meta("\xE9\xFF"), LoadStatus::bad_json);
  CHECK(latin1.key() == "\xE9");  // the string up to the bad byte
  CHECK(std::string(to_string(latin1).c_str()).find("\\xe9") != std::string::npos);
  const LoadResult lone = rejected(with_meta("\\ud800x"), LoadStatus::bad_json);
  CHECK(std::string(lone.json_problem) == "an invalid escape or unpaired surrogate");

  // A bad value names the tensor and the field being read.
  std::string fraction = small_header();
  fraction = replaced(fraction, "[3,2]", "[3.5,2]");
  const LoadResult f = rejected(file(fraction, data), LoadStatus::bad_json);
  CHECK(f.tensor() == "0.weight");
  CHECK(f.key() == "shape");
  CHECK(std::string(to_string(f).c_str()) ==
        "the header is not valid JSON of the safetensors form: at header byte 37, in "
        "\"0.weight\", reading \"shape\": a number that is not a non-negative integer");
  // Integer overflow is reported as such (2^63 + 5 fits in 64 bits, not in JSON's exact range).
  std::string overflow = small_header();
  overflow = replaced(overflow, "[0,24]", "[9223372036854775813,24]");
  const LoadResult o = rejected(file(overflow, data), LoadStatus::integer_overflow);
  CHECK(o.tensor() == "0.weight");
  CHECK(o.key() == "data_offsets");
  CHECK(std::string(to_string(o).c_str()).find("integer overflow") != std::string::npos);
}

TEST_CASE("save with names writes what a custom module's load_state_dict reads", "[io]") {
  static Small net{Seed{3}};
  const std::string_view names[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  std::vector<std::byte> out(saved_size_named<Small>(names));
  REQUIRE(out.size() == saved_size<Small> + 8);  // 4 names 2 bytes longer, padded to 8
  REQUIRE(save(net, out, names));
  static Small back{Seed{4}};
  REQUIRE(load(back, out, LoadOptions{.names = names}).ok());
  CHECK(back == net);
  rejected(out, LoadStatus::missing_tensor);  // the manifest's names are not in it

  // With test vectors, and a name that needs escaping.
  Matrix<float, 2, 2> x{{{0.5f, -1}, {2, 0.25f}}};
  const std::string_view odd[] = {"a\"b", "fc1.bias", "fc2.weight", "fc2.bias"};
  std::vector<std::byte> with_tests(saved_size_named<Small, 2>(odd));
  REQUIRE(save(net, with_tests, x, odd));
  static Small again{Seed{6}};
  const LoadResult r = load(again, with_tests, LoadOptions{.names = odd});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 2);
  CHECK(again == net);

  // Names that cannot make a file: refused, nothing written.
  const std::string_view twice[] = {"w", "b", "w", "c"};
  const std::string_view three[] = {"w", "b", "c"};
  const std::string_view reserved[] = {"w", "b", "ctnn.test_input", "c"};
  const std::string_view empty[] = {"w", "", "v", "c"};
  std::vector<std::byte> big(4096, std::byte{0x55});
  for (const auto bad :
       {std::span<const std::string_view>(twice), std::span<const std::string_view>(three),
        std::span<const std::string_view>(reserved), std::span<const std::string_view>(empty)}) {
    CHECK(saved_size_named<Small>(bad) == 0);
    CHECK_FALSE(save(net, big, bad));
  }
  CHECK_FALSE(save(net, std::span<std::byte>(out.data(), out.size() - 1), names));
  CHECK(big[0] == std::byte{0x55});
}

TEST_CASE("a file cut at any length is rejected and changes nothing", "[io]") {
  static Conv source{Seed{8}}, target{Seed{9}};
  std::vector<std::byte> f(saved_size<Conv>);
  REQUIRE(save(source, f));
  const Conv before = target;
  for (std::size_t length = 0; length < f.size(); ++length) {
    const LoadResult r = load(target, std::span<const std::byte>(f.data(), length));
    INFO("length " << length << ": " << to_string(r).c_str());
    REQUIRE_FALSE(r.ok());
    REQUIRE(target == before);
  }
  REQUIRE(load(target, f).ok());
  CHECK(target == source);
}

namespace {
// Small's output for x with the weights of small_data(), in double from the formulas (not ctnn).
double small_reference(double x0, double x1) {
  const double h0 = std::tanh(1 * x0 + 2 * x1 + 0.5), h1 = std::tanh(3 * x0 + 4 * x1 - 0.5),
               h2 = std::tanh(5 * x0 + 6 * x1 + 0.25);
  return 7 * h0 + 8 * h1 + 9 * h2 - 1;
}
const std::string test_entries =
    ",\"ctnn.test_input\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[52,68]},"
    "\"ctnn.test_output\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[68,76]}";
std::vector<std::byte> small_data_with_tests(float y0, float y1) {
  auto d = small_data();
  const auto tests = floats({0.1f, -0.2f, -0.3f, 0.05f, y0, y1});
  d.insert(d.end(), tests.begin(), tests.end());
  return d;
}
}  // namespace

TEST_CASE("load runs a file's test vectors and rejects weights that do not reproduce them",
          "[io]") {
  const float y0 = float(small_reference(0.1f, -0.2f)), y1 = float(small_reference(-0.3f, 0.05f));
  static Small net{Seed{5}};
  const LoadResult good =
      load(net, file(small_header(test_entries), small_data_with_tests(y0, y1)));
  INFO(to_string(good).c_str());
  REQUIRE(good.ok());
  CHECK(good.tested_samples == 2);
  CHECK(net.layer<3>().bias[0] == -1.0f);

  // An output off by 1e-3 relative (a weight read in the wrong order gives far more).
  const LoadResult off =
      rejected(file(small_header(test_entries), small_data_with_tests(y0, y1 * 1.001f)),
               LoadStatus::test_vectors_differ);
  CHECK(off.sample == 1);
  CHECK(off.output == 0);
  CHECK(off.expected_value == double(y1 * 1.001f));
  CHECK(off.found_value == Approx(y1).epsilon(1e-6));
  CHECK(std::string(to_string(off).c_str()).find("sample 1, output 0") != std::string::npos);
  // Within the tolerance (1e-4 relative by default), and a tolerance the caller sets.
  CHECK(load(net, file(small_header(test_entries), small_data_with_tests(y0, y1 * 1.00005f))).ok());
  CHECK(rejected(file(small_header(test_entries), small_data_with_tests(y0, y1 * 1.00005f)),
                 LoadStatus::test_vectors_differ, LoadOptions{.test_tolerance = 1e-5f})
            .sample == 1);
  // Not checked when the caller says so: the file loads, no sample counted.
  const LoadResult unchecked =
      load(net, file(small_header(test_entries), small_data_with_tests(y0, 0)),
           LoadOptions{.check_test_vectors = false});
  CHECK(unchecked.ok());
  CHECK(unchecked.tested_samples == 0);

  // An input without outputs, sample counts that differ, a wrong sample shape.
  const auto data = small_data_with_tests(y0, y1);
  std::string lonely = small_header(
      ",\"ctnn.test_input\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[52,76]}");
  rejected(file(lonely, data), LoadStatus::bad_test_vectors);
  rejected(file(replaced(replaced(small_header(test_entries), "[2,2],\"data_offsets\":[52,68]",
                                  "[1,2],\"data_offsets\":[52,60]"),
                         "[2,1],\"data_offsets\":[68,76]", "[4,1],\"data_offsets\":[60,76]"),
                data),
           LoadStatus::bad_test_vectors);
  const LoadResult shape = rejected(
      file(replaced(small_header(test_entries), "\"shape\":[2,2]", "\"shape\":[1,4]"), data),
      LoadStatus::wrong_shape);
  CHECK(shape.tensor() == "ctnn.test_input");
  CHECK(shape.expected_shape[1] == 2);
  // NaN in a test vector is caught like NaN in a weight.
  auto nan = small_data_with_tests(y0, std::numeric_limits<float>::quiet_NaN());
  CHECK(rejected(file(small_header(test_entries), nan), LoadStatus::non_finite_value).tensor() ==
        "ctnn.test_output");
}

TEST_CASE("save writes test vectors that load checks; large networks run them on a scratch network",
          "[io]") {
  const auto x = Matrix<float, 3, 16>::filled(0.5f);
  static Conv a{Seed{31}}, b{Seed{32}};
  std::vector<std::byte> f(saved_size<Conv, 3>);
  REQUIRE(saved_size<Conv, 3> ==
          saved_size<Conv> + (3 * 16 + 3 * 2) * 4 +
              (detail::header_length<Conv, 3> - detail::header_length<Conv, 0>));
  REQUIRE(save(a, f, x));
  const LoadResult r = load(b, f);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 3);
  CHECK(a == b);

  // A network larger than load_stack_copy_limit: no hidden copy; a scratch network instead.
  using Wide = Network<Input<64>, Dense<128>, Tanh, Dense<2>>;
  static_assert(sizeof(Wide) > load_stack_copy_limit);
  static Wide c{Seed{33}}, d{Seed{34}}, scratch;
  std::vector<std::byte> g(saved_size<Wide, 2>);
  REQUIRE(save(c, g, Matrix<float, 2, 64>::filled(-0.25f)));
  const Wide before = d;
  CHECK(load(d, g).status == LoadStatus::test_vectors_need_scratch);
  CHECK(d == before);
  const LoadResult with_scratch = load(d, g, scratch);
  INFO(to_string(with_scratch).c_str());
  REQUIRE(with_scratch.ok());
  CHECK(with_scratch.tested_samples == 2);
  CHECK(d == c);
}

#if defined(CTNN_FIXTURES_DIR) && defined(CTNN_TEST_OUTPUT_DIR)
namespace {
std::vector<std::byte> read_file(const std::string& path) {
  std::vector<std::byte> data;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::byte chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
      data.insert(data.end(), chunk, chunk + n);
    std::fclose(f);
  }
  return data;
}
using TorchMlp = Network<Input<2>, Dense<16>, Tanh, Dense<1>>;
}  // namespace

TEST_CASE("A file written from PyTorch loads and gives torch's outputs", "[io]") {
  // tests/fixtures: written by examples/pytorch_safetensors.py export tanh_mlp with torch 1.13
  // (Debian's python3-torch): nn.Sequential(Linear(2, 16), Tanh(), Linear(16, 1)), seed 0, with
  // 8 inputs and torch's outputs as test vectors in the file and as text.
  const auto f = read_file(std::string(CTNN_FIXTURES_DIR) + "/torch_tanh_mlp.safetensors");
  REQUIRE(f.size() == 860);
  static TorchMlp net;
  const LoadResult r = load(net, f);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);  // load ran torch's test vectors (within 1e-4)
  std::FILE* io =
      std::fopen((std::string(CTNN_FIXTURES_DIR) + "/torch_tanh_mlp_io.txt").c_str(), "r");
  REQUIRE(io != nullptr);
  char line[256];
  int rows = 0;
  while (std::fgets(line, sizeof line, io) != nullptr) {
    if (line[0] == '#') continue;
    float x0, x1, y;
    REQUIRE(std::sscanf(line, "%f %f %f", &x0, &x1, &y) == 3);
    const auto out = net.forward(Vector<float, 2>{{x0, x1}});
    CHECK(out[0] == Approx(y).epsilon(1e-6).margin(1e-7));
    ++rows;
  }
  std::fclose(io);
  CHECK(rows == 8);
}

TEST_CASE("A convolutional model from PyTorch loads, and a layout mistake is caught at load",
          "[io]") {
  // examples/pytorch_safetensors.py export conv (torch 1.13): a causal Conv1d(2, 3, 2), ReLU,
  // Flatten, Linear(24, 2) on samples of 8 frames x 2 channels, with 8 test vectors.
  auto f = read_file(std::string(CTNN_FIXTURES_DIR) + "/torch_conv.safetensors");
  REQUIRE(!f.empty());
  static Conv net{Seed{1}};
  const LoadResult r = load(net, f);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);

  // The classic mistake: torch's plain Flatten of (filters, time) is filter-major, ctnn's is
  // frame-major. Reorder 3.weight's 24 columns that way: every shape still fits, the test vectors
  // do not.
  std::uint64_t n = 0;
  for (int k = 0; k < 8; ++k) n |= std::uint64_t(f[std::size_t(k)]) << (8 * k);
  const std::string header(reinterpret_cast<const char*>(f.data()) + 8, n);
  const std::size_t at = header.find("\"3.weight\"");
  REQUIRE(at != std::string::npos);
  std::size_t begin = 0;
  REQUIRE(std::sscanf(header.c_str() + header.find("data_offsets", at), "data_offsets\":[%zu",
                      &begin) == 1);
  std::byte* w = f.data() + 8 + n + begin;
  const std::vector<std::byte> original(w, w + 2 * 24 * 4);
  for (std::size_t o = 0; o < 2; ++o)
    for (std::size_t t = 0; t < 8; ++t)
      for (std::size_t c = 0; c < 3; ++c)
        std::memcpy(w + 4 * (o * 24 + c * 8 + t), original.data() + 4 * (o * 24 + t * 3 + c), 4);
  const Conv before = net;
  const LoadResult swapped = load(net, f);
  INFO(to_string(swapped).c_str());
  CHECK(swapped.status == LoadStatus::test_vectors_differ);
  CHECK(net == before);
}

TEST_CASE("Files of users' own models (examples/ctnn_export.py) load and give torch's outputs",
          "[io]") {
  // examples/user_models.py fixtures (torch 1.13): each file has ctnn's architecture, names and 8
  // test vectors that torch computed; load runs them.
  const auto classifier =
      read_file(std::string(CTNN_FIXTURES_DIR) + "/export_classifier.safetensors");
  static Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax> c{Seed{1}};
  LoadResult r = load(c, classifier);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);
  CHECK(r.tolerance == 1e-4f);  // chosen from F32
  // The same weights without the Softmax: a plain state_dict would load; the architecture says no.
  static Network<Input<4>, Dense<16>, ReLU, Dense<3>> no_softmax{Seed{2}};
  const auto before = no_softmax;
  CHECK(load(no_softmax, classifier).status == LoadStatus::architecture_mismatch);
  CHECK(no_softmax == before);

  // Float64 kept: the double network reproduces torch's float64 outputs to 1e-12.
  static BasicNetwork<double, Input<3>, Dense<8>, Tanh, Dense<8>, Sigmoid, Dense<1>> d{Seed{3}};
  r = load(d, read_file(std::string(CTNN_FIXTURES_DIR) + "/export_regressor_f64.safetensors"),
           LoadOptions{.test_tolerance = 1e-12f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 8);

  // Conv1D, Tanh, a 2-layer GRU (two ctnn layers) and Linear on every frame.
  static Network<Input<32, 1>, Conv1D<4, 3>, Tanh, GRU<8>, GRU<8>, Linear<1>> a{Seed{4}};
  r = load(a, read_file(std::string(CTNN_FIXTURES_DIR) + "/export_audio.safetensors"),
           LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 8);
}

TEST_CASE("A dilated convolution stack from PyTorch gives torch's outputs, and streams", "[io]") {
  // examples/user_models.py's dilated model: nn.Conv1d(dilation=2, 4) padded on the left.
  const auto f = read_file(std::string(CTNN_FIXTURES_DIR) + "/export_dilated.safetensors");
  static Network<Input<64, 1>, Conv1D<4, 2>, Tanh, Conv1D<4, 2, 2>, Tanh, Conv1D<4, 2, 4>, Tanh,
                 Linear<1>>
      whole{Seed{1}};
  LoadResult r = load(whole, f, LoadOptions{.test_tolerance = 1e-6f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);
  // The same file into the plugin's streaming network (one frame per call): every frame as the
  // whole-sequence network gives it.
  static Network<Input<1, 1>, Conv1D<4, 2>, Tanh, Conv1D<4, 2, 2>, Tanh, Conv1D<4, 2, 4>, Tanh,
                 Linear<1>>
      frame;
  r = load(frame, f);
  REQUIRE(r.ok());
  CHECK(r.other_sequence_length);
  Vector<float, 64> x;
  for (std::size_t t = 0; t < 64; ++t) x[t] = std::sin(0.37f * float(t * t % 29));
  const auto expected = whole.forward(x);
  for (std::size_t t = 0; t < 64; ++t)
    CHECK(frame.stream(Vector<float, 1>::filled(x[t]))[0] == Approx(expected[t]).margin(1e-6));
  // A dilation the file does not have is another architecture.
  static Network<Input<64, 1>, Conv1D<4, 2>, Tanh, Conv1D<4, 2, 2>, Tanh, Conv1D<4, 2, 8>, Tanh,
                 Linear<1>>
      other;
  CHECK(load(other, f).status == LoadStatus::architecture_mismatch);
}

TEST_CASE("F16 and BF16 files: the test tolerance follows the dtype, and the message names it",
          "[io]") {
  // The classifier's weights and test vectors narrowed to F16 / BF16 (the outputs computed in
  // float32 before): 8 units in the last place of the narrow type pass by default.
  static Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax> c{Seed{1}};
  const auto f16 = read_file(std::string(CTNN_FIXTURES_DIR) + "/export_classifier_f16.safetensors");
  LoadResult r = load(c, f16);
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tolerance == 4e-3f);
  r = load(c, read_file(std::string(CTNN_FIXTURES_DIR) + "/export_classifier_bf16.safetensors"));
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tolerance == 3e-2f);
  // Asked for float32's tolerance, the F16 file fails, and the message says which option to set.
  const auto before = c;
  r = load(c, f16, LoadOptions{.test_tolerance = 1e-5f});
  CHECK(r.status == LoadStatus::test_vectors_differ);
  CHECK(std::string(to_string(r).c_str())
            .find("tolerance 1e-05 x max(1, |expected|); "
                  "LoadOptions::test_tolerance") != std::string::npos);
  CHECK(c == before);
}

TEST_CASE("A file in the reference writer's order (sorted by name) loads", "[io]") {
  // examples/reference_writer.py: torch_tanh_mlp.safetensors rewritten by PyPI safetensors 0.8.
  static TorchMlp net;
  const LoadResult r =
      load(net, read_file(std::string(CTNN_FIXTURES_DIR) + "/reference_tanh_mlp.safetensors"));
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);
}

TEST_CASE("A header that is not UTF-8: load and the header generator refuse it, as the reference",
          "[io]") {
  // tests/fixtures/not_utf8.safetensors: metadata "caf\xE9\xFF" (Latin-1). The reference reader
  // (PyPI safetensors 0.8) says "invalid utf-8 sequence of 1 bytes from index 28"; the header
  // generator exits naming byte 28 (CTest "python: safetensors_to_header refuses ...").
  static Network<Input<1>, Dense<1>> net{Seed{1}};
  const auto before = net;
  const LoadResult r =
      load(net, read_file(std::string(CTNN_FIXTURES_DIR) + "/not_utf8.safetensors"));
  CHECK(r.status == LoadStatus::bad_json);
  CHECK(r.offset == 28);
  CHECK(std::string(to_string(r).c_str()) ==
        "the header is not valid JSON of the safetensors form: at header byte 28, in "
        "\"__metadata__\", reading \"caf\\xe9\": a string that is not valid UTF-8");
  CHECK(net == before);
}

TEST_CASE("RTNeural's model files (Keras, converted) load and give Keras's outputs", "[io]") {
  // examples/rtneural_fixtures.py: Keras 3.15 models saved by RTNeural's own model_utils.py, with
  // Keras's outputs for test inputs; examples/rtneural_to_safetensors.py converted them.
  LoadResult r;
  static Network<Input<4>, Dense<8>, Tanh, Dense<8>, ReLU, Dense<3>, Softmax> dense{Seed{1}};
  r = load(dense, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_dense.safetensors"),
           LoadOptions{.test_tolerance = 1e-6f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 8);
  // Conv1D (causal), GRU (Keras's gates reordered), Dense on every frame: 4 x 32 frames.
  static Network<Input<32, 1>, Conv1D<4, 3>, Tanh, GRU<8>, Linear<1>> gru{Seed{2}};
  r = load(gru, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_gru.safetensors"),
           LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 4);
  static Network<Input<32, 1>, LSTM<8>, Linear<1>> lstm{Seed{3}};
  r = load(lstm, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_lstm.safetensors"),
           LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 4);
  // Keras's dilated causal convolutions (dilation_rate 2 and 4).
  static Network<Input<32, 1>, Conv1D<4, 3, 2>, Tanh, Conv1D<4, 2, 4>, Tanh, Linear<1>> dilated;
  r = load(dilated, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_dilated.safetensors"),
           LoadOptions{.test_tolerance = 1e-6f});
  INFO(to_string(r).c_str());
  CHECK(r.ok());
  CHECK(r.tested_samples == 4);
  // The plugin's streaming network: the same layers on one frame per call.
  static Network<Input<1, 1>, LSTM<8>, Linear<1>> streaming;
  r = load(streaming, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_lstm.safetensors"));
  CHECK(r.ok());
  CHECK(r.other_sequence_length);
  // A GRU where the file has an LSTM: the architecture says so.
  static Network<Input<32, 1>, GRU<8>, Linear<1>> wrong;
  CHECK(load(wrong, read_file(std::string(CTNN_FIXTURES_DIR) + "/rtneural_lstm.safetensors"))
            .status == LoadStatus::architecture_mismatch);
}

TEST_CASE("save_file and load_file over C stdio", "[io]") {
  static Conv a{Seed{21}}, b{Seed{22}};
  const std::string path = std::string(CTNN_TEST_OUTPUT_DIR) + "/conv_round_trip.safetensors";
  REQUIRE(save_file(a, path.c_str()) == FileStatus::ok);
  CHECK(read_file(path) == [&] {
    std::vector<std::byte> f(saved_size<Conv>);
    REQUIRE(save(a, f));
    return f;
  }());
  static std::byte buffer[saved_size<Conv>];
  const FileLoadResult r = load_file(b, path.c_str(), buffer);
  INFO(to_string(r.load).c_str());
  REQUIRE(r.ok());
  CHECK(r.size == saved_size<Conv>);
  CHECK(a == b);

  static Conv c{Seed{23}};
  const Conv before = c;
  std::byte small[100];
  const FileLoadResult too_small = load_file(c, path.c_str(), small);
  CHECK(too_small.file == FileStatus::buffer_too_small);
  CHECK(too_small.size == saved_size<Conv>);
  CHECK(load_file(c, (path + ".missing").c_str(), buffer).file == FileStatus::cannot_open);
  CHECK(c == before);
  CHECK(save_file(a, (std::string(CTNN_TEST_OUTPUT_DIR) + "/no/such/dir.st").c_str()) ==
        FileStatus::cannot_open);
}

TEST_CASE("ctnn writes a file for PyTorch to read back (checked by the python test)", "[io]") {
  // With test vectors: the python test loads the weights into torch and compares torch's outputs
  // with ctnn's for the same inputs.
  const auto write = [](const auto& net, const auto& x, const char* name) {
    std::vector<std::byte> f(
        saved_size<std::remove_cvref_t<decltype(net)>, std::remove_cvref_t<decltype(x)>::rows>);
    REQUIRE(save(net, f, x));
    std::FILE* out = std::fopen((std::string(CTNN_TEST_OUTPUT_DIR) + "/" + name).c_str(), "wb");
    REQUIRE(out != nullptr);
    REQUIRE(std::fwrite(f.data(), 1, f.size(), out) == f.size());
    std::fclose(out);
  };
  static TorchMlp mlp{Seed{11}};
  Matrix<float, 8, 2> x;
  for (std::size_t i = 0; i < 8; ++i) {
    x(i, 0) = -2.0f + 0.5f * float(i);
    x(i, 1) = 1.0f - 0.25f * float(i);
  }
  write(mlp, x, "ctnn_tanh_mlp.safetensors");
  static Conv conv{Seed{12}};
  Matrix<float, 4, 16> s;
  for (std::size_t i = 0; i < s.size; ++i) s[i] = std::sin(0.7f * float(i));
  write(conv, s, "ctnn_conv.safetensors");
  // Recurrent: examples/pytorch_safetensors.py's gru_stack (nn.Sequential's names, as ctnn's) and
  // amp (the module's own names, which its check maps from ctnn's).
  static Network<Input<12, 2>, GRU<6>, GRU<4>, LastFrame, Dense<3>> gru{Seed{13}};
  Matrix<float, 4, 24> g;
  for (std::size_t i = 0; i < g.size; ++i) g[i] = std::cos(0.4f * float(i));
  write(gru, g, "ctnn_gru_stack.safetensors");
  static Network<Input<256, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>> amp{Seed{14}};
  for_each_parameter(amp, [](std::size_t, std::string_view, std::string_view name, auto& t) {
    if (name.ends_with("initial_hidden") || name.ends_with("initial_cell"))
      for (std::size_t i = 0; i < t.size; ++i) t[i] = 0.3f - 0.07f * float(i);
  });
  Matrix<float, 2, 256> a;
  for (std::size_t i = 0; i < a.size; ++i) a[i] = 0.8f * std::sin(0.05f * float(i * i % 997));
  write(amp, a, "ctnn_amp.safetensors");
  // Saved with a custom module's names (examples/user_models.py's Classifier): torch's
  // load_state_dict(strict=True) reads it without renaming (user_models.py torch-reads).
  static Network<Input<4>, Dense<16>, ReLU, Dense<3>, Softmax> classifier{Seed{15}};
  const std::string_view names[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  Matrix<float, 4, 4> c;
  for (std::size_t i = 0; i < c.size; ++i) c[i] = std::sin(1.3f * float(i));
  std::vector<std::byte> f(saved_size_named<decltype(classifier), 4>(names));
  REQUIRE(save(classifier, f, c, names));
  std::FILE* out = std::fopen(
      (std::string(CTNN_TEST_OUTPUT_DIR) + "/ctnn_named_classifier.safetensors").c_str(), "wb");
  REQUIRE(out != nullptr);
  REQUIRE(std::fwrite(f.data(), 1, f.size(), out) == f.size());
  std::fclose(out);
}
#endif
