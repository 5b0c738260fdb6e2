// .npy reading and writing in the kconv runtime, including malformed files.
#include "kconv/kconv_runtime.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

/// Builds a version-1.0 .npy image with the given header dict and payload.
std::string npyImage(const std::string &dict, const std::string &payload, int major = 1) {
  std::string header = dict;
  size_t preamble = major == 1 ? 10 : 12;
  while ((preamble + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::string image("\x93NUMPY", 6);
  image += static_cast<char>(major);
  image += '\0';
  uint32_t len = static_cast<uint32_t>(header.size());
  image += static_cast<char>(len & 0xff);
  image += static_cast<char>((len >> 8) & 0xff);
  if (major != 1) {
    image += static_cast<char>((len >> 16) & 0xff);
    image += static_cast<char>((len >> 24) & 0xff);
  }
  return image + header + payload;
}

std::string floats(const std::vector<float> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()), values.size() * 4);
}

kconv_status parse(const std::string &image, kconv_tensor **out) {
  return kconv_npy_parse(image.data(), image.size(), "x.npy", out);
}

struct TensorDeleter {
  void operator()(kconv_tensor *t) const { kconv_tensor_destroy(t); }
};
using TensorPtr = std::unique_ptr<kconv_tensor, TensorDeleter>;

TEST(Npy, ParsesLittleEndianFloat32) {
  kconv_tensor *t = nullptr;
  std::string image = npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2, 1), }",
                               floats({1, 2, 3, 4}));
  ASSERT_EQ(parse(image, &t), KCONV_OK) << kconv_last_error();
  TensorPtr owned(t);
  ASSERT_EQ(kconv_tensor_rank(t), 4);
  EXPECT_EQ(kconv_tensor_shape(t)[1], 2);
  EXPECT_EQ(kconv_tensor_num_elements(t), 4);
  EXPECT_FLOAT_EQ(kconv_tensor_data(t)[3], 4.0f);
}

TEST(Npy, ParsesVersion2AndScalarsAndOneTuples) {
  kconv_tensor *t = nullptr;
  ASSERT_EQ(parse(npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                           floats({1, 2, 3}), 2),
                  &t),
            KCONV_OK);
  TensorPtr a(t);
  EXPECT_EQ(kconv_tensor_rank(t), 1);
  ASSERT_EQ(parse(npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                           floats({7})),
                  &t),
            KCONV_OK);
  TensorPtr b(t);
  EXPECT_EQ(kconv_tensor_rank(t), 0);
  EXPECT_FLOAT_EQ(kconv_tensor_data(t)[0], 7.0f);
}

TEST(Npy, ConvertsBigEndian) {
  std::string payload = floats({1.5f});
  std::swap(payload[0], payload[3]);
  std::swap(payload[1], payload[2]);
  kconv_tensor *t = nullptr;
  ASSERT_EQ(parse(npyImage("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", payload),
                  &t),
            KCONV_OK);
  TensorPtr owned(t);
  EXPECT_FLOAT_EQ(kconv_tensor_data(t)[0], 1.5f);
}

TEST(Npy, ConvertsIntegersOfEverySizeAndByteOrder) {
  struct Case {
    const char *descr;
    std::string payload;
    std::vector<float> expected;
  };
  std::vector<Case> cases = {
      {"<i4", std::string("\x05\0\0\0\xff\xff\xff\xff", 8), {5.f, -1.f}},
      {">i4", std::string("\0\0\x01\x02\xff\xff\xff\xfe", 8), {258.f, -2.f}},
      {"<i8", std::string("\0\0\0\x01\0\0\0\0\x00\x00\x00\xff\xff\xff\xff\xff", 16),
       {16777216.f, -16777216.f}},
      {"|u1", std::string("\xff\x07", 2), {255.f, 7.f}},
      {"|i1", std::string("\x80\x7f", 2), {-128.f, 127.f}},
      {"<u2", std::string("\xff\xff\x01\x00", 4), {65535.f, 1.f}},
      {">i2", std::string("\x80\x00\x00\x09", 4), {-32768.f, 9.f}},
      {"<u8", std::string("\x03\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16), {3.f, 0.f}},
  };
  for (const Case &c : cases) {
    kconv_tensor *t = nullptr;
    std::string dict =
        std::string("{'descr': '") + c.descr + "', 'fortran_order': False, 'shape': (2,), }";
    ASSERT_EQ(parse(npyImage(dict, c.payload), &t), KCONV_OK) << c.descr << ": " << kconv_last_error();
    TensorPtr owned(t);
    EXPECT_EQ(kconv_tensor_data(t)[0], c.expected[0]) << c.descr;
    EXPECT_EQ(kconv_tensor_data(t)[1], c.expected[1]) << c.descr;
  }
}

struct BadCase {
  const char *what;
  std::string image;
  kconv_status status;
  const char *message;
};

TEST(Npy, RejectsMalformedFilesWithClearMessages) {
  std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  std::vector<BadCase> cases = {
      {"bad magic", "not an npy file at all", KCONV_ERROR_FORMAT, "bad magic"},
      {"truncated preamble", std::string("\x93NUMPY\x01", 7), KCONV_ERROR_FORMAT, "bad magic"},
      {"float64", npyImage("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                           std::string(16, '\0')),
       KCONV_ERROR_DTYPE, "'<f8' is not float32"},
      {"complex64", npyImage("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
                             std::string(16, '\0')),
       KCONV_ERROR_DTYPE, "not float32 ('<f4') or an integer type"},
      {"int64 beyond 2^24", npyImage("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                                     std::string(8, '\0') + std::string("\x01\x00\x00\x01\0\0\0\0", 8)),
       KCONV_ERROR_DTYPE, "element 1 is an integer of magnitude above 2^24"},
      {"int32 short payload", npyImage("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                                       std::string(4, '\0')),
       KCONV_ERROR_FORMAT, "needs 8 data bytes but the file has 4"},
      {"fortran", npyImage("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }",
                           std::string(8, '\0')),
       KCONV_ERROR_DTYPE, "Fortran"},
      {"lying shape (too few bytes)", npyImage(good, std::string(4, '\0')), KCONV_ERROR_FORMAT,
       "needs 8 data bytes but the file has 4"},
      {"trailing bytes", npyImage(good, std::string(12, '\0')), KCONV_ERROR_FORMAT,
       "needs 8 data bytes"},
      {"overflowing shape",
       npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }",
                ""),
       KCONV_ERROR_FORMAT, "overflows"},
      {"missing shape", npyImage("{'descr': '<f4', 'fortran_order': False, }", ""),
       KCONV_ERROR_FORMAT, "lacks"},
      {"negative dim", npyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", ""),
       KCONV_ERROR_FORMAT, "non-integer"},
      {"version 9", npyImage(good, floats({1, 2}), 9), KCONV_ERROR_FORMAT, "version 9"},
      {"header longer than file", npyImage(good, floats({1, 2})).substr(0, 40), KCONV_ERROR_FORMAT,
       "exceeds the file"},
  };
  for (const BadCase &c : cases) {
    kconv_tensor *t = reinterpret_cast<kconv_tensor *>(0x1);
    EXPECT_EQ(parse(c.image, &t), c.status) << c.what;
    EXPECT_EQ(t, nullptr) << c.what;
    EXPECT_NE(std::string(kconv_last_error()).find(c.message), std::string::npos)
        << c.what << ": " << kconv_last_error();
    EXPECT_NE(std::string(kconv_last_error()).find("x.npy"), std::string::npos) << c.what;
  }
}

TEST(Npy, WriteThenReadRoundTrips) {
  int64_t shape[4] = {2, 3, 1, 5};
  kconv_tensor *t = nullptr;
  ASSERT_EQ(kconv_tensor_create(4, shape, &t), KCONV_OK);
  TensorPtr owned(t);
  for (int64_t i = 0; i < kconv_tensor_num_elements(t); ++i)
    kconv_tensor_data(t)[i] = static_cast<float>(i) * 0.25f - 3.0f;
  std::string path = testing::TempDir() + "/roundtrip.npy";
  ASSERT_EQ(kconv_npy_write(path.c_str(), t), KCONV_OK) << kconv_last_error();

  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ((bytes.size() - 30 * 4) % 64, 0u) << "data must start 64-byte aligned";

  kconv_tensor *back = nullptr;
  ASSERT_EQ(kconv_npy_read(path.c_str(), &back), KCONV_OK) << kconv_last_error();
  TensorPtr backOwned(back);
  ASSERT_EQ(kconv_tensor_rank(back), 4);
  EXPECT_EQ(std::memcmp(kconv_tensor_shape(back), shape, sizeof shape), 0);
  EXPECT_EQ(std::memcmp(kconv_tensor_data(back), kconv_tensor_data(t), 30 * sizeof(float)), 0);
  std::remove(path.c_str());
}

TEST(Npy, WriteFailureLeavesNoFile) {
  int64_t shape[1] = {1};
  kconv_tensor *t = nullptr;
  ASSERT_EQ(kconv_tensor_create(1, shape, &t), KCONV_OK);
  TensorPtr owned(t);
  EXPECT_EQ(kconv_npy_write("/nonexistent-dir/y.npy", t), KCONV_ERROR_IO);
  EXPECT_NE(std::string(kconv_last_error()).find("/nonexistent-dir/y.npy"), std::string::npos);
}

TEST(Npy, MissingFileIsAnIoError) {
  kconv_tensor *t = nullptr;
  EXPECT_EQ(kconv_npy_read("/nonexistent.npy", &t), KCONV_ERROR_IO);
  EXPECT_NE(std::string(kconv_last_error()).find("/nonexistent.npy: cannot open"),
            std::string::npos);
}

TEST(Tensor, RejectsNegativeAndOverflowingShapes) {
  kconv_tensor *t = nullptr;
  int64_t negative[2] = {2, -1};
  EXPECT_EQ(kconv_tensor_create(2, negative, &t), KCONV_ERROR_ARGUMENT);
  int64_t huge[3] = {int64_t(1) << 40, int64_t(1) << 40, 4};
  EXPECT_EQ(kconv_tensor_create(3, huge, &t), KCONV_ERROR_MEMORY);
  EXPECT_EQ(kconv_tensor_create(9, huge, &t), KCONV_ERROR_ARGUMENT);
  EXPECT_EQ(t, nullptr);
}

} // namespace
