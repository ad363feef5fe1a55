#include "sim_fs.h"

#include <algorithm>
#include <cerrno>

#include "promptjournal/errors.h"

namespace pjtest {

using promptjournal::File;
using promptjournal::JournalError;

namespace {

std::vector<std::string> split(const std::string& path) {
  if (path.empty() || path[0] != '/') throw JournalError::invalid_argument("SimFs needs absolute paths: " + path);
  std::vector<std::string> parts;
  std::size_t i = 1;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

class SimFile final : public File {
 public:
  SimFile(std::shared_ptr<SimFs> fs, int node, std::string path, bool writable)
      : fs_(std::move(fs)), node_(node), path_(std::move(path)), writable_(writable) {}
  std::size_t read_at(void* buf, std::size_t n, std::uint64_t offset) override {
    return fs_->file_read(node_, buf, n, offset);
  }
  void append(const void* data, std::size_t n) override {
    if (!writable_) throw JournalError::io("cannot write", path_, EBADF);
    fs_->file_append(node_, path_, data, n);
  }
  void sync() override { fs_->file_sync(node_, path_); }
  std::uint64_t size() override { return fs_->file_size(node_); }
  void truncate(std::uint64_t size) override {
    if (!writable_) throw JournalError::io("cannot truncate", path_, EINVAL);
    fs_->file_truncate(node_, path_, size);
  }
  void lock() override {}
  void unlock() override {}

 private:
  std::shared_ptr<SimFs> fs_;
  int node_;
  std::string path_;
  bool writable_;
};

}  // namespace

DamageStats& DamageStats::operator+=(const DamageStats& o) {
  sectors_kept += o.sectors_kept;
  sectors_zeroed += o.sectors_zeroed;
  sectors_garbled += o.sectors_garbled;
  sectors_old += o.sectors_old;
  files_cut += o.files_cut;
  entry_changes_kept += o.entry_changes_kept;
  entry_changes_lost += o.entry_changes_lost;
  return *this;
}

SimFs::SimFs() {
  nodes_.emplace_back();
  nodes_[0].dir = true;
}

void SimFs::crash_at(std::uint64_t k) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_at_ = k == 0 ? 0 : mutations_ + k;
}

bool SimFs::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

std::uint64_t SimFs::mutations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mutations_;
}

std::string SimFs::call(std::uint64_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return i >= 1 && i <= calls_.size() ? calls_[i - 1] : "?";
}

void SimFs::mutate(const char* op, const std::string& path) {
  if (crashed_) throw PowerLoss{};
  ++mutations_;
  calls_.push_back(std::string(op) + " " + path);
  if (crash_at_ != 0 && mutations_ >= crash_at_) {
    crashed_ = true;
    throw PowerLoss{};
  }
}

int SimFs::lookup(const std::string& path) const {
  int n = 0;
  for (const auto& part : split(path)) {
    if (!nodes_[n].dir) return -1;
    auto it = nodes_[n].entries.find(part);
    if (it == nodes_[n].entries.end()) return -1;
    n = it->second;
  }
  return n;
}

std::pair<int, std::string> SimFs::parent_of(const std::string& path) const {
  auto parts = split(path);
  if (parts.empty()) throw JournalError::io("cannot use the root folder", path, EINVAL);
  int n = 0;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto it = nodes_[n].entries.find(parts[i]);
    if (it == nodes_[n].entries.end()) throw JournalError::io("no such folder", path, ENOENT);
    n = it->second;
    if (!nodes_[n].dir) throw JournalError::io("not a folder", path, ENOTDIR);
  }
  return {n, parts.back()};
}

std::unique_ptr<File> SimFs::open_append(const std::string& path, bool create) {
  std::lock_guard<std::mutex> lock(mu_);
  if (create) mutate("open(O_CREAT)", path);
  auto [parent, name] = parent_of(path);
  auto& entries = nodes_[parent].entries;
  auto it = entries.find(name);
  int node;
  if (it == entries.end()) {
    if (!create) throw JournalError::io("cannot open", path, ENOENT);
    node = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    nodes_[parent].entries[name] = node;
    nodes_[parent].pending.push_back({name, "", node});
  } else {
    node = it->second;
    if (nodes_[node].dir) throw JournalError::io("cannot open", path, EISDIR);
  }
  return std::make_unique<SimFile>(shared_from_this(), node, path, true);
}

std::unique_ptr<File> SimFs::open_read(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  int node = lookup(path);
  if (node < 0) throw JournalError::io("cannot open", path, ENOENT);
  if (nodes_[node].dir) throw JournalError::io("cannot open", path, EISDIR);
  return std::make_unique<SimFile>(shared_from_this(), node, path, false);
}

std::unique_ptr<File> SimFs::create_exclusive(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("create", path);
  auto [parent, name] = parent_of(path);
  if (nodes_[parent].entries.count(name)) throw JournalError::io("cannot create", path, EEXIST);
  int node = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  nodes_[parent].entries[name] = node;
  nodes_[parent].pending.push_back({name, "", node});
  return std::make_unique<SimFile>(shared_from_this(), node, path, true);
}

bool SimFs::make_dir(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("mkdir", path);
  auto [parent, name] = parent_of(path);
  auto it = nodes_[parent].entries.find(name);
  if (it != nodes_[parent].entries.end()) {
    if (!nodes_[it->second].dir) throw JournalError::io("cannot use as a folder", path, ENOTDIR);
    return false;
  }
  int node = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  nodes_[node].dir = true;
  nodes_[parent].entries[name] = node;
  nodes_[parent].pending.push_back({name, "", node});
  return true;
}

void SimFs::sync_dir(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("sync_dir", path);
  int node = lookup(path);
  if (node < 0) throw JournalError::io("cannot open folder", path, ENOENT);
  if (!nodes_[node].dir) throw JournalError::io("cannot open folder", path, ENOTDIR);
  nodes_[node].durable_entries = nodes_[node].entries;
  nodes_[node].pending.clear();
}

void SimFs::rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("rename", from + " -> " + to);
  auto [pf, nf] = parent_of(from);
  auto [pt, nt] = parent_of(to);
  if (pf != pt) throw JournalError::io("SimFs renames within one folder only", from, EXDEV);
  auto& entries = nodes_[pf].entries;
  auto it = entries.find(nf);
  if (it == entries.end()) throw JournalError::io("cannot rename to " + to, from, ENOENT);
  int node = it->second;
  if (auto t = entries.find(nt); t != entries.end() && nodes_[t->second].dir)
    throw JournalError::io("cannot rename to " + to, from, EISDIR);
  entries.erase(it);
  entries[nt] = node;
  nodes_[pf].pending.push_back({nf, nt, node});
}

void SimFs::remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("remove", path);
  auto [parent, name] = parent_of(path);
  auto& entries = nodes_[parent].entries;
  auto it = entries.find(name);
  if (it == entries.end()) return;  // as unlink(2) with ENOENT ignored
  if (nodes_[it->second].dir) throw JournalError::io("cannot remove", path, EISDIR);
  entries.erase(it);
  nodes_[parent].pending.push_back({name, "", -1});
}

bool SimFs::exists(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  return lookup(path) >= 0;
}

bool SimFs::is_dir(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  int n = lookup(path);
  return n >= 0 && nodes_[n].dir;
}

std::vector<std::string> SimFs::list_dir(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  int n = lookup(path);
  if (n < 0) throw JournalError::io("cannot list folder", path, ENOENT);
  if (!nodes_[n].dir) throw JournalError::io("cannot list folder", path, ENOTDIR);
  std::vector<std::string> names;
  for (const auto& kv : nodes_[n].entries) names.push_back(kv.first);
  return names;
}

std::size_t SimFs::file_read(int node, void* buf, std::size_t n, std::uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string& d = nodes_[node].data;
  if (offset >= d.size()) return 0;
  std::size_t k = std::min<std::size_t>(n, d.size() - offset);
  std::copy_n(d.data() + offset, k, static_cast<char*>(buf));
  return k;
}

void SimFs::file_append(int node, const std::string& path, const void* data, std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("append", path);
  Node& f = nodes_[node];
  f.data.append(static_cast<const char*>(data), n);
  f.ends.push_back(f.data.size());
}

void SimFs::file_sync(int node, const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("sync", path);
  Node& f = nodes_[node];
  f.durable = f.data;
  f.floor = f.data.size();
  f.ends.clear();
}

std::uint64_t SimFs::file_size(int node) {
  std::lock_guard<std::mutex> lock(mu_);
  return nodes_[node].data.size();
}

void SimFs::file_truncate(int node, const std::string& path, std::uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  mutate("truncate", path);
  Node& f = nodes_[node];
  f.data.resize(static_cast<std::size_t>(size), '\0');
  f.floor = std::min(f.floor, size);
  f.ends.push_back(size);
}

void SimFs::put_durable(const std::string& path, const std::string& bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [parent, name] = parent_of(path);
  int node;
  if (auto it = nodes_[parent].entries.find(name); it != nodes_[parent].entries.end()) {
    node = it->second;
  } else {
    node = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& f = nodes_[node];
  f.data = f.durable = bytes;
  f.floor = bytes.size();
  f.ends.clear();
  nodes_[parent].entries[name] = node;
  nodes_[parent].durable_entries[name] = node;
}

std::string SimFs::contents(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  int n = lookup(path);
  if (n < 0 || nodes_[n].dir) throw JournalError::not_found("SimFs: no file " + path);
  return nodes_[n].data;
}

// The bytes of a file after the crash (see sim_fs.h).
std::string SimFs::crash_bytes(const Node& n, Damage damage, std::mt19937& rng, DamageStats& st) const {
  const std::string& cur = n.data;
  const std::string& old = n.durable;
  const std::uint64_t lo = n.floor;  // cur and old agree below; never damaged
  if (cur == old) return old;
  auto sectors = [](std::uint64_t a, std::uint64_t b) {
    return b <= a ? std::uint64_t{0} : (b - 1) / kSector - a / kSector + 1;
  };
  switch (damage) {
    case Damage::kNothing:
      return old;
    case Damage::kEverything:
      st.sectors_kept += sectors(lo, cur.size());
      return cur;
    case Damage::kSizeOnly:
      st.sectors_zeroed += sectors(lo, cur.size());
      return cur.substr(0, lo) + std::string(cur.size() - lo, '\0');
    case Damage::kRandom:
      break;
  }
  auto pick = [&rng](std::uint64_t a, std::uint64_t b) {  // uniform in [a, b]
    return std::uniform_int_distribution<std::uint64_t>(a, b)(rng);
  };
  const std::uint64_t hi = std::max(cur.size(), old.size());
  // Where the file ends: the size the inode reached the disk with.
  std::uint64_t end = cur.size();
  switch (rng() % 6) {
    case 0: end = cur.size(); break;
    case 1: end = old.size(); break;
    case 2: if (!n.ends.empty()) end = n.ends[rng() % n.ends.size()]; break;
    case 3: end = std::clamp(pick((lo + kSector - 1) / kSector, hi / kSector) * kSector, lo, hi); break;  // a dropped sector
    case 4: end = pick(lo, hi); break;
    default: end = cur.size(); break;
  }
  end = std::max(end, lo);
  if (end < cur.size()) ++st.files_cut;
  // What each sector holds: a profile per file.
  enum Action { kKeep, kZero, kGarble, kOld };
  const int profile = static_cast<int>(rng() % 3);
  const std::uint64_t first = lo / kSector, last = hi / kSector;
  const std::uint64_t cut = pick(first, last + 1);  // profile 0: kept sectors before, damage from here
  const int tail = static_cast<int>(rng() % 3);      // profile 0: zeros, random bytes, or either
  std::string out = cur.substr(0, lo);
  out.reserve(end);
  for (std::uint64_t off = lo; off < end;) {
    const std::uint64_t sec = off / kSector;
    const std::uint64_t send = std::min(end, (sec + 1) * kSector);
    Action a = kKeep;
    if (profile == 0 && sec >= cut) {
      a = tail == 0 ? kZero : tail == 1 ? kGarble : (rng() % 2 ? kZero : kGarble);
    } else if (profile == 1) {
      unsigned r = rng() % 100;
      a = r < 55 ? kKeep : r < 70 ? kZero : r < 85 ? kGarble : kOld;
    }
    if (a == kOld && off >= old.size()) a = kZero;  // no older bytes there: a block never written
    for (std::uint64_t x = off; x < send; ++x) {
      char c = 0;
      switch (a) {
        case kKeep: c = x < cur.size() ? cur[x] : x < old.size() ? old[x] : '\0'; break;
        case kOld: c = x < old.size() ? old[x] : '\0'; break;
        case kZero: c = '\0'; break;
        case kGarble: c = static_cast<char>(rng() & 0xff); break;
      }
      out.push_back(c);
    }
    switch (a) {
      case kKeep: ++st.sectors_kept; break;
      case kOld: ++st.sectors_old; break;
      case kZero: ++st.sectors_zeroed; break;
      case kGarble: ++st.sectors_garbled; break;
    }
    off = send;
  }
  return out;
}

std::shared_ptr<SimFs> SimFs::image(Damage damage, std::mt19937& rng, DamageStats* stats) const {
  std::lock_guard<std::mutex> lock(mu_);
  DamageStats st;
  auto out = std::make_shared<SimFs>();
  out->nodes_ = nodes_;
  for (auto& n : out->nodes_) {
    if (n.dir) {
      std::size_t keep = damage == Damage::kNothing ? 0
                         : damage == Damage::kRandom ? rng() % (n.pending.size() + 1)
                                                     : n.pending.size();
      st.entry_changes_kept += keep;
      st.entry_changes_lost += n.pending.size() - keep;
      for (std::size_t i = 0; i < keep; ++i) {
        const EntryChange& c = n.pending[i];
        if (!c.to.empty()) {
          n.durable_entries.erase(c.name);
          n.durable_entries[c.to] = c.node;
        } else if (c.node >= 0) {
          n.durable_entries[c.name] = c.node;
        } else {
          n.durable_entries.erase(c.name);
        }
      }
      n.entries = n.durable_entries;
      n.pending.clear();
    } else {
      n.durable = crash_bytes(n, damage, rng, st);
      n.data = n.durable;
      n.floor = n.data.size();
      n.ends.clear();
    }
  }
  if (stats) *stats += st;
  return out;
}

}  // namespace pjtest
