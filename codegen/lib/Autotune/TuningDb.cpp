#include "kconv/Codegen/TuningDb.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kconv::codegen {

namespace {
/// The first 16 bytes of every SQLite 3 file.
constexpr char kSqliteMagic[16] = "SQLite format 3";
/// How long a compile waits for another one writing the same database.
constexpr int kBusyTimeoutMs = 60000;

const char *kSchema = "CREATE TABLE IF NOT EXISTS entries ("
                      "  key TEXT PRIMARY KEY,"
                      "  value TEXT NOT NULL,"
                      "  ms REAL NOT NULL,"
                      "  target TEXT NOT NULL);"
                      "CREATE INDEX IF NOT EXISTS entries_by_target ON entries(target);"
                      "PRAGMA user_version = 1;";

/// A prepared statement, finalized when it goes out of scope.
class Statement {
public:
  Statement(sqlite3 *db, const char *sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt *get() { return stmt_; }
  void bind(int index, const std::string &text) {
    sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
  }
  std::string column(int index) {
    const unsigned char *text = sqlite3_column_text(stmt_, index);
    return text ? reinterpret_cast<const char *>(text) : "";
  }

private:
  sqlite3_stmt *stmt_ = nullptr;
};

/// The target a key names ("... target=X threads=N ..."), for queries by machine.
std::string targetOf(const std::string &key) {
  size_t at = key.find(" target=");
  if (at == std::string::npos)
    return "";
  at += std::strlen(" target=");
  return key.substr(at, key.find(' ', at) - at);
}

bool insert(sqlite3 *db, const std::string &key, const std::string &value, double ms) {
  Statement stmt(db, "INSERT OR REPLACE INTO entries (key, value, ms, target) VALUES (?, ?, ?, ?)");
  if (!stmt)
    return false;
  stmt.bind(1, key);
  stmt.bind(2, value);
  sqlite3_bind_double(stmt.get(), 3, ms);
  stmt.bind(4, targetOf(key));
  return sqlite3_step(stmt.get()) == SQLITE_DONE;
}

/// Creates the schema (if missing) and runs `body` in one write transaction.
template <typename Body> bool writeTransaction(sqlite3 *db, Body body) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return false;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) == SQLITE_OK && body() &&
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK)
    return true;
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return false;
}

/// Whether a line of a text database holds an entry: KEY<TAB>VALUE<TAB>MS, the value a
/// schedule or fusion decisions, MS a number.
bool parseTextLine(const std::string &line, std::string &key, std::string &value, double &ms) {
  size_t tab1 = line.find('\t');
  size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
  if (tab2 == std::string::npos || tab1 == 0)
    return false;
  bool schedule = line.compare(tab1 + 1, 16, "#kconv.schedule<") == 0 && line[tab2 - 1] == '>';
  bool fusion = line.compare(tab1 + 1, 7, "inline:") == 0;
  if (!schedule && !fusion)
    return false;
  char *end = nullptr;
  ms = std::strtod(line.c_str() + tab2 + 1, &end);
  if (!end || *end != '\0' || end == line.c_str() + tab2 + 1)
    return false;
  key = line.substr(0, tab1);
  value = line.substr(tab1 + 1, tab2 - tab1 - 1);
  return true;
}
} // namespace

TuningDb::~TuningDb() { sqlite3_close_v2(db_); }

bool TuningDb::open(bool create, std::string &failure) {
  std::string error;
  if (db_ && (!create || !sqlite3_db_readonly(db_, "main")))
    return true;
  sqlite3_close_v2(db_);
  db_ = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK && !create) { // reading needs no write permission
    sqlite3_close_v2(db_);
    rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
  }
  const char *verb = create ? "write" : "read";
  if (rc != SQLITE_OK) {
    failure = path_ + ": cannot " + verb + " the tuning database: " +
              (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return false;
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // Reading the schema version reads the header: a file that is not SQLite fails here.
  // The version and the table count come from one statement, one snapshot: read apart,
  // another compile could create the schema between them (version 0 yet tables).
  int version = -1, tables = 0;
  {
    Statement stmt(db_, "SELECT user_version, (SELECT count(*) FROM sqlite_master) "
                        "FROM pragma_user_version");
    if (stmt && sqlite3_step(stmt.get()) == SQLITE_ROW) {
      version = sqlite3_column_int(stmt.get(), 0);
      tables = sqlite3_column_int(stmt.get(), 1);
    }
  }
  if (version < 0) {
    error = path_ + ": cannot " + verb + " the tuning database: " + sqlite3_errmsg(db_);
  } else if (version > kSchemaVersion) {
    error = path_ + ": the tuning database has schema version " + std::to_string(version) +
            ", newer than this kconvc's (" + std::to_string(kSchemaVersion) + ")";
  } else if (version == 0) {
    // Not ours yet: an empty file, or another program's database.
    if (tables > 0)
      error = path_ + ": not a kconv tuning database";
  }
  if (error.empty() && create && version == 0 && !writeTransaction(db_, [] { return true; }))
    error = path_ + ": cannot write the tuning database: " + sqlite3_errmsg(db_);
  if (!error.empty()) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    failure = error;
    return false;
  }
  return true;
}

bool TuningDb::importText(std::string &error) {
  // One compile imports; the others wait on the text file's lock, then find it
  // replaced and open the database.
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path_ + ": cannot read the tuning database: " + std::strerror(errno);
    return false;
  }
  struct stat held, now;
  bool replaced = flock(fd, LOCK_EX) != 0 || fstat(fd, &held) != 0 ||
                  stat(path_.c_str(), &now) != 0 || now.st_ino != held.st_ino ||
                  now.st_dev != held.st_dev;
  // The file opened here may already be the database another compile renamed over the
  // text (load read the text's first bytes before that rename): then there is nothing
  // to import.
  char magic[sizeof kSqliteMagic] = {};
  if (!replaced && pread(fd, magic, sizeof magic, 0) == ssize_t(sizeof magic) &&
      std::memcmp(magic, kSqliteMagic, sizeof magic) == 0)
    replaced = true;
  bool ok = replaced || importLocked(error);
  close(fd); // and unlock
  return ok;
}

bool TuningDb::importLocked(std::string &error) {
  std::ifstream in(path_);
  if (!in) {
    error = path_ + ": cannot read the tuning database: " + std::strerror(errno);
    return false;
  }
  std::map<std::string, std::pair<std::string, double>> entries; // the last line wins
  std::string line, key, value;
  double ms = 0;
  while (std::getline(in, line)) {
    if (parseTextLine(line, key, value, ms))
      entries[key] = {value, ms};
    else if (!line.empty())
      ++corrupted_;
  }
  // Written beside the file and renamed over it, so that another compile sees either
  // the text file or the whole database; the text stays as PATH.tsv.
  std::string temporary = path_ + ".import-" + std::to_string(getpid());
  std::remove(temporary.c_str());
  sqlite3 *db = nullptr;
  bool ok = sqlite3_open_v2(temporary.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) == SQLITE_OK &&
            writeTransaction(db, [&] {
              for (const auto &[k, v] : entries)
                if (!insert(db, k, v.first, v.second))
                  return false;
              return true;
            });
  std::string problem = db ? sqlite3_errmsg(db) : "out of memory";
  sqlite3_close_v2(db);
  if (ok) {
    std::string kept = path_ + ".tsv";
    std::remove(kept.c_str());
    ok = link(path_.c_str(), kept.c_str()) == 0 &&
         std::rename(temporary.c_str(), path_.c_str()) == 0;
    if (!ok)
      problem = std::strerror(errno);
  }
  if (!ok) {
    std::remove(temporary.c_str());
    error = path_ + ": cannot import the text tuning database: " + problem;
  }
  return ok;
}

bool TuningDb::load(std::string &error) {
  corrupted_ = 0;
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return true; // an empty database, created by the first store
    error = path_ + ": cannot read the tuning database: " + std::strerror(errno);
    return false;
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    char magic[sizeof kSqliteMagic] = {};
    std::ifstream in(path_, std::ios::binary);
    in.read(magic, sizeof magic);
    if (in && std::memcmp(magic, kSqliteMagic, sizeof magic) != 0 && !importText(error))
      return false;
  }
  return open(false, error);
}

std::string TuningDb::lookup(const std::string &key) {
  if (!db_)
    return "";
  Statement stmt(db_, "SELECT value FROM entries WHERE key = ?");
  if (!stmt)
    return ""; // no table yet
  stmt.bind(1, key);
  return sqlite3_step(stmt.get()) == SQLITE_ROW ? stmt.column(0) : "";
}

bool TuningDb::store(const std::string &key, const std::string &value, double ms,
                     std::string &error) {
  // Keys and values hold model and layer names: a tab or line break in one would make
  // the entry's text form (and its listing) ambiguous.
  if ((key + value).find_first_of("\t\n\r") != std::string::npos) {
    error = path_ + ": not stored: a name in the entry holds a tab or line break";
    return false;
  }
  if (!open(true, error))
    return false;
  if (!writeTransaction(db_, [&] { return insert(db_, key, value, ms); })) {
    error = path_ + ": cannot write the tuning database: " + sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

std::vector<TuningDb::Entry> TuningDb::entries(const std::string &target) {
  std::vector<Entry> out;
  if (!db_)
    return out;
  Statement stmt(db_, target.empty()
                          ? "SELECT key, value, ms FROM entries ORDER BY key"
                          : "SELECT key, value, ms FROM entries WHERE target = ? ORDER BY key");
  if (!stmt)
    return out;
  if (!target.empty())
    stmt.bind(1, target);
  while (sqlite3_step(stmt.get()) == SQLITE_ROW)
    out.push_back({stmt.column(0), stmt.column(1), sqlite3_column_double(stmt.get(), 2)});
  return out;
}

} // namespace kconv::codegen
