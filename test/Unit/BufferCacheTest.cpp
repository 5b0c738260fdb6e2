// kconv_buffer_malloc / kconv_buffer_free: the pipelines' heap buffers, the large ones
// kept for the next run (aligned, reused for requests they fit, released on demand,
// safe from several threads).
#include "kconv/kconv_runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace {

constexpr size_t kLarge = 800 * 1024; // an intermediate 56x56x64 float tensor

kconv_buffer_stats stats() {
  kconv_buffer_stats s;
  kconv_get_buffer_stats(&s);
  return s;
}

class BufferCache : public ::testing::Test {
protected:
  void SetUp() override { kconv_release_buffers(); }
  void TearDown() override { kconv_release_buffers(); }
};

TEST_F(BufferCache, AFreedLargeBlockServesTheNextRequestOfItsSize) {
  kconv_buffer_stats start = stats();
  void *first = kconv_buffer_malloc(nullptr, kLarge);
  ASSERT_NE(first, nullptr);
  std::memset(first, 1, kLarge);
  kconv_buffer_free(nullptr, first);
  EXPECT_GE(stats().cached_bytes, kLarge);
  void *second = kconv_buffer_malloc(nullptr, kLarge - 100);
  EXPECT_EQ(second, first);
  EXPECT_EQ(stats().cached_bytes, 0u);
  kconv_buffer_stats end = stats();
  EXPECT_EQ(end.fresh_allocations - start.fresh_allocations, 1u);
  EXPECT_EQ(end.reused_allocations - start.reused_allocations, 1u);
  kconv_buffer_free(nullptr, second);
}

TEST_F(BufferCache, TheSmallestFittingBlockIsTakenAndNoneFarTooLarge) {
  void *big = kconv_buffer_malloc(nullptr, 4 * kLarge);
  void *medium = kconv_buffer_malloc(nullptr, kLarge);
  kconv_buffer_free(nullptr, big);
  kconv_buffer_free(nullptr, medium);
  EXPECT_EQ(kconv_buffer_malloc(nullptr, kLarge / 2), medium); // fits both: the smaller
  // A quarter of the remaining block's size or less: a fresh block, not the big one.
  void *small = kconv_buffer_malloc(nullptr, kLarge / 2);
  EXPECT_NE(small, big);
  EXPECT_EQ(kconv_buffer_malloc(nullptr, 3 * kLarge), big);
  kconv_buffer_free(nullptr, small);
  kconv_buffer_free(nullptr, big);
  kconv_buffer_free(nullptr, medium);
}

TEST_F(BufferCache, SmallBlocksAreNotKept) {
  void *small = kconv_buffer_malloc(nullptr, 1000);
  ASSERT_NE(small, nullptr);
  kconv_buffer_free(nullptr, small);
  EXPECT_EQ(stats().cached_bytes, 0u);
}

TEST_F(BufferCache, BlocksAreAlignedAndWritableWithSlackAroundThem) {
  for (size_t size : {size_t(1), size_t(63), size_t(4096), size_t(65535), kLarge + 3}) {
    auto *data = static_cast<uint8_t *>(kconv_buffer_malloc(nullptr, size));
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u) << size;
    // Halide may read 8 bytes before and after a buffer (ASan checks these in the
    // sanitized build).
    volatile uint8_t before = data[-8], after = data[size + 7];
    (void)before;
    (void)after;
    std::memset(data, 0xab, size);
    kconv_buffer_free(nullptr, data);
  }
  kconv_buffer_free(nullptr, nullptr); // as free(NULL)
}

TEST_F(BufferCache, ReleaseFreesWhatIsKept) {
  std::vector<void *> blocks;
  for (int i = 0; i < 5; ++i)
    blocks.push_back(kconv_buffer_malloc(nullptr, kLarge * (i + 1)));
  for (void *block : blocks)
    kconv_buffer_free(nullptr, block);
  EXPECT_GE(stats().cached_bytes, 15 * kLarge);
  kconv_release_buffers();
  EXPECT_EQ(stats().cached_bytes, 0u);
}

TEST_F(BufferCache, AtMost32BlocksAreKeptTheNewest) {
  std::vector<void *> blocks;
  for (int i = 0; i < 40; ++i)
    blocks.push_back(kconv_buffer_malloc(nullptr, 64 * 1024));
  for (void *block : blocks)
    kconv_buffer_free(nullptr, block);
  EXPECT_EQ(stats().cached_bytes, 32u * 64 * 1024);
  // A run with other sizes (a smaller batch after a large one) makes room for its own
  // blocks: the next such run reuses them.
  void *other = kconv_buffer_malloc(nullptr, 1 << 20);
  kconv_buffer_free(nullptr, other);
  EXPECT_EQ(stats().cached_bytes, 31u * 64 * 1024 + (1 << 20));
  EXPECT_EQ(kconv_buffer_malloc(nullptr, 1 << 20), other);
  kconv_buffer_free(nullptr, other);
}

TEST_F(BufferCache, AtMostAGigabyteIsKept) {
  // Oversized blocks are freed at once (malloc of 1.5 GB only reserves address space).
  kconv_buffer_stats start = stats();
  void *huge = kconv_buffer_malloc(nullptr, size_t(3) << 29);
  ASSERT_NE(huge, nullptr);
  kconv_buffer_free(nullptr, huge);
  EXPECT_EQ(stats().cached_bytes, 0u);
  EXPECT_EQ(stats().fresh_allocations - start.fresh_allocations, 1u);
}

TEST_F(BufferCache, ThreadsNeverShareALiveBlock) {
  constexpr int kThreads = 4, kRounds = 300;
  std::vector<std::thread> threads;
  std::vector<int> corrupted(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t, &corrupted] {
      for (int round = 0; round < kRounds; ++round) {
        size_t size = kLarge / 4 + size_t(round % 3) * 4096;
        auto *data = static_cast<uint8_t *>(kconv_buffer_malloc(nullptr, size));
        std::memset(data, t + 1, size);
        std::this_thread::yield();
        for (size_t i = 0; i < size; i += 4096)
          corrupted[t] += data[i] != t + 1;
        kconv_buffer_free(nullptr, data);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(corrupted[t], 0) << "thread " << t;
}

} // namespace
