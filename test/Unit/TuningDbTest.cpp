// The tuning database: reuse across loads, a text database imported once (its
// corrupted lines skipped and counted), files that are not tuning databases refused,
// queries by target, and concurrent writers (separate processes) losing no entries.
#include "kconv/Codegen/TuningDb.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using kconv::codegen::TuningDb;

const char *kSchedule =
    "#kconv.schedule<vectorize = \"channels\", vector_width = 16, vectors = 2, tile_x = 7, "
    "tile_y = 2, parallel = false>";

std::string tempDb(const char *name) {
  std::string path = testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  std::remove((path + ".tsv").c_str());
  return path;
}

bool exists(const std::string &path) { return std::ifstream(path).good(); }

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

TEST(TuningDb, ATextDatabaseIsImportedOnce) {
  std::string path = tempDb("text.db"), error;
  {
    std::ofstream out(path);
    out << "conv a\t" << kSchedule << "\t1.25\n"
        << "garbage without tabs\n"
        << "conv b\t#kconv.schedule<vectorize = \"chan\t2.0\n" // torn write
        << "conv c\tnot a schedule\t3.0\n"
        << "conv d\t" << kSchedule << "\tNaNish\n"
        << "fusion m/0123 target=host threads=1\tinline:add_3\t0.5\n";
  }
  TuningDb db(path);
  ASSERT_TRUE(db.load(error)) << error;
  EXPECT_EQ(db.lookup("conv a"), kSchedule);
  EXPECT_EQ(db.lookup("conv b"), "");
  EXPECT_EQ(db.lookup("conv c"), "");
  EXPECT_EQ(db.lookup("conv d"), "");
  EXPECT_EQ(db.lookup("fusion m/0123 target=host threads=1"), "inline:add_3");
  EXPECT_EQ(db.corruptedLines(), 4);
  // The text is kept beside the database and never read again.
  ASSERT_TRUE(exists(path + ".tsv"));
  { std::ofstream(path + ".tsv", std::ios::app) << "conv e\t" << kSchedule << "\t1.0\n"; }
  ASSERT_TRUE(db.store("conv f", kSchedule, 2.0, error)) << error;
  TuningDb again(path);
  ASSERT_TRUE(again.load(error)) << error;
  EXPECT_EQ(again.corruptedLines(), 0);
  EXPECT_EQ(again.lookup("conv a"), kSchedule);
  EXPECT_EQ(again.lookup("conv e"), "");
  EXPECT_EQ(again.lookup("conv f"), kSchedule);
}

TEST(TuningDb, EntriesAreListedByTarget) {
  std::string path = tempDb("targets.db"), error;
  TuningDb db(path);
  ASSERT_TRUE(db.load(error)) << error;
  ASSERT_TRUE(db.store("conv n=1 target=x86-64-linux-avx2 threads=1 tuner=5", kSchedule, 1, error));
  ASSERT_TRUE(db.store("conv n=2 target=x86-64-linux-avx2 threads=2 tuner=5", kSchedule, 2, error));
  ASSERT_TRUE(db.store("conv n=1 target=arm-64-linux threads=1 tuner=5", kSchedule, 3, error));
  std::vector<TuningDb::Entry> avx2 = db.entries("x86-64-linux-avx2");
  ASSERT_EQ(avx2.size(), 2u);
  EXPECT_EQ(avx2[0].key, "conv n=1 target=x86-64-linux-avx2 threads=1 tuner=5");
  EXPECT_EQ(avx2[1].ms, 2);
  EXPECT_EQ(db.entries("arm-64-linux").size(), 1u);
  EXPECT_EQ(db.entries().size(), 3u);
}

TEST(TuningDb, OtherFilesAreRefusedInOneLine) {
  std::string error;
  // SQLite's header followed by garbage.
  std::string garbage = tempDb("garbage.db");
  {
    std::ofstream out(garbage, std::ios::binary);
    out.write("SQLite format 3\0", 16);
    out << std::string(4096, 'x');
  }
  TuningDb db(garbage);
  EXPECT_FALSE(db.load(error));
  EXPECT_NE(error.find(garbage + ": cannot read the tuning database: "), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
  // Another program's database, and one written by a newer kconv.
  for (const char *sql : {"CREATE TABLE other (x)", "PRAGMA user_version = 99"}) {
    std::string path = tempDb("foreign.db");
    sqlite3 *raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    TuningDb foreign(path);
    error.clear();
    EXPECT_FALSE(foreign.load(error)) << sql;
    EXPECT_NE(error.find(path + ": "), std::string::npos) << error;
  }
}

TEST(TuningDb, ConcurrentCompilesImportATextDatabaseOnce) {
  // Many rounds: a compile that read the text's first bytes just before another renamed
  // the database over it once imported the database as text (seen once in ~30 CI runs).
  for (int round = 0; round < 40; ++round) {
  std::string path = tempDb("import-race.db");
  std::remove((path + ".tsv").c_str());
  { std::ofstream(path) << "conv a\t" << kSchedule << "\t1.0\n"; }
  std::vector<pid_t> children;
  for (int c = 0; c < 6; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      TuningDb db(path);
      std::string error;
      _exit(db.load(error) && db.lookup("conv a") == kSchedule ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
  }
  std::ifstream kept(path + ".tsv");
  std::string line;
  ASSERT_TRUE(std::getline(kept, line));
  ASSERT_EQ(line, "conv a\t" + std::string(kSchedule) + "\t1.0") << "round " << round;
  }
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
