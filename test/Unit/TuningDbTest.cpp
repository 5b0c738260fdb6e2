// The tuning database: reuse across loads, corrupted lines skipped and counted, and
// concurrent writers (separate processes) losing no entries.
#include "../../compiler/lib/Driver/TuningDb.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using kconv::driver::TuningDb;

const char *kSchedule =
    "#kconv.schedule<vectorize = \"channels\", vector_width = 16, vectors = 2, tile_x = 7, "
    "tile_y = 2, parallel = false>";

std::string tempDb(const char *name) {
  std::string path = testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  return path;
}

TEST(TuningDb, StoredEntriesAreFoundByTheNextLoad) {
  std::string path = tempDb("reuse.db"), error;
  TuningDb db(path);
  ASSERT_TRUE(db.load(error)) << error; // a missing file is an empty database
  EXPECT_EQ(db.lookup("conv a"), "");
  ASSERT_TRUE(db.store("conv a", kSchedule, 1.5, error)) << error;
  TuningDb again(path);
  ASSERT_TRUE(again.load(error));
  EXPECT_EQ(again.lookup("conv a"), kSchedule);
  EXPECT_EQ(again.corruptedLines(), 0);
}

TEST(TuningDb, NamesWithLineBreaksAddNoEntries) {
  // A model named "m\nconv a\t<schedule>" must not plant a schedule for "conv a".
  std::string path = tempDb("names.db"), error;
  TuningDb db(path);
  ASSERT_TRUE(db.load(error)) << error;
  std::string planted = "fusion m\nconv a\t" + std::string(kSchedule) + "\t1.0\n/0123";
  EXPECT_FALSE(db.store(planted, "inline:", 0.5, error));
  EXPECT_NE(error.find("tab or line break"), std::string::npos) << error;
  EXPECT_FALSE(db.store("fusion m/0123", "inline:a\nconv a\tx", 0.5, error));
  TuningDb again(path);
  ASSERT_TRUE(again.load(error));
  EXPECT_EQ(again.lookup("conv a"), "");
}

TEST(TuningDb, FusionDecisionsAreStoredBesideSchedules) {
  std::string path = tempDb("fusion.db"), error;
  TuningDb db(path);
  ASSERT_TRUE(db.load(error)) << error;
  ASSERT_TRUE(db.store("fusion m/0123 target=host threads=1", "inline:add_3,relu_4", 0.5, error));
  ASSERT_TRUE(db.store("fusion m/4567 target=host threads=1", "inline:", 0.7, error));
  ASSERT_TRUE(db.store("conv a", kSchedule, 1.5, error)) << error;
  TuningDb again(path);
  ASSERT_TRUE(again.load(error));
  EXPECT_EQ(again.lookup("fusion m/0123 target=host threads=1"), "inline:add_3,relu_4");
  EXPECT_EQ(again.lookup("fusion m/4567 target=host threads=1"), "inline:");
  EXPECT_EQ(again.lookup("conv a"), kSchedule);
  EXPECT_EQ(again.corruptedLines(), 0);
}

TEST(TuningDb, CorruptedLinesAreSkippedAndCounted) {
  std::string path = tempDb("corrupt.db"), error;
  {
    std::ofstream out(path);
    out << "conv a\t" << kSchedule << "\t1.25\n"
        << "garbage without tabs\n"
        << "conv b\t#kconv.schedule<vectorize = \"chan\t2.0\n" // torn write
        << "conv c\tnot a schedule\t3.0\n"
        << "conv d\t" << kSchedule << "\tNaNish\n";
  }
  TuningDb db(path);
  ASSERT_TRUE(db.load(error));
  EXPECT_EQ(db.lookup("conv a"), kSchedule);
  EXPECT_EQ(db.lookup("conv b"), "");
  EXPECT_EQ(db.lookup("conv c"), "");
  EXPECT_EQ(db.lookup("conv d"), "");
  EXPECT_EQ(db.corruptedLines(), 4);
  // Storing after a torn last line starts a fresh line.
  { std::ofstream(path, std::ios::app) << "conv e\t#kconv.sched"; }
  ASSERT_TRUE(db.store("conv f", kSchedule, 2.0, error));
  TuningDb again(path);
  ASSERT_TRUE(again.load(error));
  EXPECT_EQ(again.lookup("conv f"), kSchedule);
}

TEST(TuningDb, ConcurrentWritersLoseNoEntries) {
  std::string path = tempDb("concurrent.db");
  constexpr int kWriters = 8, kEntries = 50;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      TuningDb db(path);
      std::string error;
      for (int i = 0; i < kEntries; ++i)
        if (!db.store("w" + std::to_string(w) + " e" + std::to_string(i), kSchedule, i, error))
          _exit(1);
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  TuningDb db(path);
  std::string error;
  ASSERT_TRUE(db.load(error));
  EXPECT_EQ(db.corruptedLines(), 0);
  for (int w = 0; w < kWriters; ++w)
    for (int i = 0; i < kEntries; ++i)
      EXPECT_EQ(db.lookup("w" + std::to_string(w) + " e" + std::to_string(i)), kSchedule);
}

} // namespace
